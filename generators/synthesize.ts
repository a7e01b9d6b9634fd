import { ApiObject, App, Chart } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { SynthError } from './errors';
import { layOut, type KubeObject } from './layout';
import { addUnitChart, planUnits, type ChartUnit, type TreeSources } from './units';

/** One experiment in one environment, as `phoenix synth` reports it. */
export interface SynthSummary {
  readonly environment: string;
  readonly experiment: string;
  readonly phase: string;
  readonly objects: number;
  /** Folder of the experiment's objects, relative to the tree root. */
  readonly folder: string;
  /** The experiment's own one-line summary (what it shadows), when a construct offers `summary()`. @default - none */
  readonly detail?: string;
}

/** The synthesized tree, in memory. */
export interface SynthesizedTree {
  /** Tree-relative path → file content, sorted by path. */
  readonly files: ReadonlyMap<string, string>;
  readonly summaries: readonly SynthSummary[];
  /** Number of Kubernetes objects written. */
  readonly objectCount: number;
}

/**
 * Synthesizes the whole tree in memory: every unit in an App of its own (a chart never
 * waits on another, memory stays flat), validations and construct errors collected across all
 * charts and reported at once (exit 2), then laid out into files. Nothing is written here.
 */
export function synthesizeTree(sources: TreeSources): SynthesizedTree {
  const problems: string[] = [];
  const files = new Map<string, string>();
  const owners = new Map<string, string>();
  const summaries: SynthSummary[] = [];
  let objectCount = 0;
  for (const unit of planUnits(sources)) {
    const rendered = renderUnit(unit, problems);
    if (!rendered) continue;
    const laid = layOut(rendered.objects, unit.output, unit.source);
    problems.push(...laid.problems);
    for (const [path, content] of laid.files) {
      const owner = owners.get(path);
      if (owner !== undefined) {
        problems.push(`${unit.source}: writes ${path}, which ${owner} writes too`);
        continue;
      }
      owners.set(path, unit.source);
      files.set(path, content);
    }
    objectCount += rendered.objects.length;
    if (unit.experiment) {
      summaries.push({
        environment: unit.environment,
        experiment: unit.experiment,
        phase: unit.phase ?? 'pending',
        objects: rendered.objects.length,
        folder: unit.output.path,
        ...(rendered.detail ? { detail: rendered.detail } : {}),
      });
    }
  }
  if (problems.length > 0) throw new SynthError(problems);
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), summaries, objectCount };
}

function renderUnit(unit: ChartUnit, problems: string[]): { objects: KubeObject[]; detail?: string } | undefined {
  let chart: Chart;
  try {
    chart = addUnitChart(new App({ outdir: '.' }), unit);
  } catch (error) {
    problems.push(`${unit.source} (${unit.environment}): ${messageOf(error)}`);
    return undefined;
  }
  try {
    const rendered = renderChart(chart);
    if (rendered.problems.length === 0) return rendered;
    problems.push(...rendered.problems.map((problem) => `${unit.source} (${unit.environment}) ${problem}`));
  } catch (error) {
    problems.push(`${unit.source} (${unit.environment}): ${messageOf(error)}`);
  }
  return undefined;
}

/**
 * Renders a chart as cdk8s's `chart.toJson()` does, in one walk of the chart instead of the
 * several `toJson()` makes (dependency resolution, validation, dependency graph): every
 * construct's validation messages (with its path), the one-line `summary()` of the first
 * construct that offers one (the Experiment's shadow-cost line), and the objects. Without
 * construct dependencies or nested charts, cdk8s's order is the walk's order; otherwise this
 * defers to `chart.toJson()`. A test checks both give the same list.
 */
export function renderChart(chart: Chart): { objects: KubeObject[]; problems: string[]; detail?: string } {
  const problems: string[] = [];
  const apiObjects: ApiObject[] = [];
  let detail: string | undefined;
  let simple = true;
  for (const construct of chart.node.findAll()) {
    for (const message of construct.node.validate()) problems.push(`[${construct.node.path}]: ${message}`);
    if (construct.node.dependencies.length > 0 || (construct !== chart && Chart.isChart(construct))) simple = false;
    if (ApiObject.isApiObject(construct)) apiObjects.push(construct);
    else if (detail === undefined) detail = summaryOf(construct);
  }
  if (problems.length > 0) return { objects: [], problems };
  const objects = (simple ? apiObjects.map((object) => object.toJson()) : chart.toJson()) as KubeObject[];
  return { objects, problems, ...(detail !== undefined ? { detail } : {}) };
}

/** The construct's one-line `summary()`, if it has one that takes no argument and returns a string. */
function summaryOf(construct: IConstruct): string | undefined {
  const summary = (construct as unknown as { summary?: unknown }).summary;
  if (typeof summary !== 'function' || summary.length > 0) return undefined;
  const line: unknown = summary.call(construct);
  return typeof line === 'string' ? line : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
