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
  const unitProblems = new UnitProblems();
  const files = new Map<string, string>();
  const owners = new Map<string, string>();
  const summaries: SynthSummary[] = [];
  let objectCount = 0;
  for (const unit of planUnits(sources)) {
    const rendered = renderUnit(unit, unitProblems);
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
  problems.unshift(...unitProblems.lines());
  if (problems.length > 0) throw new SynthError(problems);
  return { files: new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), summaries, objectCount };
}

function renderUnit(unit: ChartUnit, problems: UnitProblems): { objects: KubeObject[]; detail?: string } | undefined {
  let chart: Chart;
  try {
    chart = addUnitChart(new App({ outdir: '.' }), unit);
  } catch (error) {
    problems.add(unit, messageOf(error));
    return undefined;
  }
  try {
    const rendered = renderChart(chart);
    if (rendered.problems.length === 0) return rendered;
    for (const problem of rendered.problems) problems.add(unit, problem);
  } catch (error) {
    problems.add(unit, messageOf(error));
  }
  return undefined;
}

/**
 * The problems of every chart unit, each reported once: an experiment renders once per
 * environment, so the same mistake would otherwise be listed once per environment. Lines that
 * read the same once the environment's chart prefix (`dev-…`) is taken out are merged into one
 * line naming every environment it holds in, in the order met.
 */
class UnitProblems {
  private readonly byLine = new Map<string, { readonly source: string; readonly line: string; readonly environments: string[] }>();

  add(unit: ChartUnit, message: string): void {
    const prefix = `${unit.environment}-`;
    for (const raw of message.split('\n')) {
      if (raw.trim() === '') continue;
      const line = raw.replace(/^(\[?)([^\s/]+)/, (all, bracket: string, head: string) =>
        head.startsWith(prefix) ? `${bracket}${head.slice(prefix.length)}` : all,
      );
      const key = `${unit.source}\u0000${line}`;
      const seen = this.byLine.get(key);
      if (!seen) this.byLine.set(key, { source: unit.source, line, environments: [unit.environment] });
      else if (!seen.environments.includes(unit.environment)) seen.environments.push(unit.environment);
    }
  }

  lines(): string[] {
    return [...this.byLine.values()].map(({ source, line, environments }) => `${source} (${environments.join(', ')}): ${line.replace(/^\[(.*?)\]:/, '$1:')}`);
  }
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
