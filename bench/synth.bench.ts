/**
 * Synth benchmark: N experiments × every environment through `phoenix synth` (build, lay out,
 * emit YAML, write the owned tree) against plain cdk8s `app.synth()` of the same charts, in
 * the same run. Prints objects/s, peak memory and the ratio.
 *
 * PHOENIX_BENCH_EXPERIMENTS    experiments (default 1000); the example experiments, cycled under new names
 * PHOENIX_BENCH_FULL=1         also 100 / 1,000 / 10,000 experiments, for linearity (Phoenix only above 1,000)
 *                              (best of 5 interleaved rounds at 100, of 2 up to 1,000, one round above)
 * PHOENIX_BENCH_BASELINE_MAX   largest size the App-per-chart baseline is run at (default 1000)
 * PHOENIX_BENCH_ONE_APP_MAX    largest size the one-App baseline is run at (default 200: it is quadratic in the number of charts)
 * PHOENIX_BENCH_SYNTH_DIR      where both write their output (default /dev/shm when present, else the temp dir)
 *
 * Both sides write to a memory file system by default so that the ratio compares the synthesizers'
 * CPU, not the disk's cost of creating files: Phoenix writes one file per object (the GitOps
 * layout), cdk8s one per chart, and on the disk of the reference machine creating a file costs
 * ~0.6 ms of kernel CPU. The same comparison on the temp dir's disk is printed too, with that cost.
 * Where Phoenix's time goes (building the constructs, rendering and emitting, writing) is measured
 * stage by stage in the same run. The last line is the CPU ratio at the largest size both ran.
 *
 * Two baselines, both plain cdk8s on the same charts:
 * - `cdk8s app.synth(), App per chart`: each chart synthesized by cdk8s in an App of its own
 *   (cdk8s's toJson, its `yaml` emission, one file per chart) — linear, run up to PHOENIX_BENCH_BASELINE_MAX;
 * - `cdk8s app.synth(), one App`: every chart in one App, as app/main.ts does; `chart.toJson()`
 *   walks and validates the whole App once per chart, so it grows with charts², and is run up to
 *   PHOENIX_BENCH_ONE_APP_MAX experiments.
 */
import { App } from 'cdk8s';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { loadEnvironments } from '../environments/load-environments';
import * as YAML from 'yaml';
import { dump as dumpYaml } from 'js-yaml';
import {
  addTreeCharts,
  addUnitChart,
  emitYaml,
  layOut,
  loadExperiments,
  planUnits,
  renderChart,
  synthesizeTree,
  writeTree,
  type LoadedExperiment,
  type TreeSources,
} from '../generators';

interface Measurement {
  readonly seconds: number;
  /** CPU time (user + system) of this process: steadier than wall time on a shared machine. */
  readonly cpuSeconds: number;
  readonly objects: number;
  readonly peakRssMiB: number;
  readonly heapMiB: number;
}

function sources(count: number): TreeSources {
  const examples = loadExperiments(path.join(__dirname, '..', 'experiments'));
  if (examples.length === 0) throw new Error('no example experiments in experiments/');
  const experiments: LoadedExperiment[] = [];
  for (let i = 0; i < count; i++) {
    const example = examples[i % examples.length];
    experiments.push({ ...example, definition: { name: `${example.definition.name}-${String(i).padStart(5, '0')}`, build: example.definition.build } });
  }
  experiments.sort((a, b) => (a.definition.name < b.definition.name ? -1 : 1));
  return { environments: loadEnvironments(), experiments, fluxPath: 'gitops' };
}

/**
 * A full garbage collection before each measurement, so that neither side pays for the garbage the
 * other left (at 100 experiments one collection is a third of a round).
 */
const collectGarbage: () => void = (() => {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

function measure(work: () => number): Measurement {
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 50);
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const objects = work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(sampler);
  heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    objects,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    heapMiB: (heapPeak - heapBefore) / 1048576,
  };
}

function phoenixSynth(input: TreeSources, outDir: string): number {
  const tree = synthesizeTree(input);
  writeTree(outDir, tree.files);
  return tree.objectCount;
}

function oneAppCdk8s(input: TreeSources, outDir: string): number {
  const app = new App({ outdir: outDir });
  addTreeCharts(app, input);
  app.synth();
  return countObjects(outDir);
}

function appPerChartCdk8s(input: TreeSources, outDir: string): number {
  for (const unit of planUnits(input)) {
    const app = new App({ outdir: outDir });
    addUnitChart(app, unit);
    app.synth();
  }
  return countObjects(outDir);
}

function countObjects(outDir: string): number {
  let objects = 0;
  for (const file of fs.readdirSync(outDir)) objects += (fs.readFileSync(path.join(outDir, file), 'utf8').match(/^kind: /gm) ?? []).length;
  return objects;
}

/** Phoenix's emitter, plain js-yaml `dump` and `yaml` `stringify` with cdk8s's options, on the same rendered objects. */
function emitterComparison(input: TreeSources): string {
  const objects: unknown[] = [];
  for (const unit of planUnits(input)) objects.push(...addUnitChart(new App({ outdir: '.' }), unit).toJson());
  const time = (emit: (object: unknown) => string): number => {
    for (const object of objects.slice(0, 50)) emit(object);
    const start = process.cpuUsage();
    let bytes = 0;
    for (const object of objects) bytes += emit(object).length;
    const cpu = process.cpuUsage(start);
    return bytes > 0 ? (cpu.user + cpu.system) / 1e6 : 0;
  };
  const phoenix = time(emitYaml);
  const jsYaml = time((object) => dumpYaml(object, { sortKeys: false, lineWidth: -1, noRefs: true }));
  const yaml = time((object) => YAML.stringify(object, { keepUndefined: true, lineWidth: 0, version: '1.1' }));
  return `YAML emission of ${objects.length} objects: phoenix emitYaml (js-yaml's bytes) ${phoenix.toFixed(2)} cpu-s, js-yaml dump ${jsYaml.toFixed(2)} cpu-s, yaml stringify (cdk8s's options) ${yaml.toFixed(2)} cpu-s: emitYaml ${(yaml / phoenix).toFixed(2)}× faster than cdk8s's emitter`;
}

/**
 * CPU seconds of Phoenix's stages on one input, the same work synthesizeTree and writeTree do,
 * split up: building the charts (the experiments' `build` and the constructs' constructors),
 * rendering them (the constructs' lazy values: rendering and validating each collector config,
 * the experiment checks, cdk8s's toJson), laying out and emitting YAML, writing the files.
 */
function stages(input: TreeSources, outDir: string): { build: number; render: number; emit: number; write: number; files: number } {
  const cpu = (run: () => void): number => {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1e6;
  };
  const units = planUnits(input);
  let charts: ReturnType<typeof addUnitChart>[] = [];
  const build = cpu(() => (charts = units.map((unit) => addUnitChart(new App({ outdir: '.' }), unit))));
  let rendered: Array<ReturnType<typeof renderChart>> = [];
  const render = cpu(() => (rendered = charts.map((chart) => renderChart(chart))));
  const files = new Map<string, string>();
  const emit = cpu(() =>
    units.forEach((unit, index) => {
      for (const [file, text] of layOut(rendered[index]!.objects, unit.output, unit.source).files) files.set(file, text);
    }),
  );
  const write = cpu(() => writeTree(outDir, files));
  return { build, render, emit, write, files: files.size };
}

/** Kernel + user CPU to create `count` small files in `dir` (what a fresh tree costs on that file system). */
function fileCreationMillis(dir: string, count: number): number {
  fs.mkdirSync(dir, { recursive: true });
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) fs.writeFileSync(path.join(dir, String(i)), 'kind: ConfigMap\n');
  const used = process.cpuUsage(start);
  fs.rmSync(dir, { recursive: true, force: true });
  return (used.user + used.system) / 1000 / count;
}

function memoryFileSystem(): string | undefined {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return undefined;
  }
}

/** The measurement with less CPU time. */
function best(a: Measurement | undefined, b: Measurement): Measurement {
  return a && a.cpuSeconds <= b.cpuSeconds ? a : b;
}

function ratio(baseline: Measurement, phoenix: Measurement): string {
  return `phoenix synth is ${(baseline.seconds / phoenix.seconds).toFixed(2)}× as fast by wall time, ${(baseline.cpuSeconds / phoenix.cpuSeconds).toFixed(2)}× by CPU time`;
}

function line(label: string, m: Measurement): string {
  return `${label.padEnd(44)} ${m.seconds.toFixed(2).padStart(7)} s (cpu ${m.cpuSeconds.toFixed(2)} s)  ${String(m.objects).padStart(6)} objects  ${Math.round(
    m.objects / m.seconds,
  )
    .toString()
    .padStart(6)} objects/s (${Math.round(m.objects / m.cpuSeconds)}/cpu-s)  peak RSS ${Math.round(m.peakRssMiB)} MiB  heap +${Math.round(m.heapMiB)} MiB`;
}

export async function run(): Promise<void> {
  const size = Number(process.env.PHOENIX_BENCH_EXPERIMENTS ?? 1000);
  const baselineMax = Number(process.env.PHOENIX_BENCH_BASELINE_MAX ?? 1000);
  const oneAppMax = Number(process.env.PHOENIX_BENCH_ONE_APP_MAX ?? 200);
  const sizes = process.env.PHOENIX_BENCH_FULL === '1' ? [100, 1000, 10000] : [size];
  const outRoot = process.env.PHOENIX_BENCH_SYNTH_DIR ?? memoryFileSystem() ?? os.tmpdir();
  const work = fs.mkdtempSync(path.join(outRoot, 'phoenix-bench-'));
  const disk = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-bench-disk-'));
  try {
    process.stdout.write(`output under ${outRoot}; machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}\n`);
    // warm-up: module loading and JIT of both paths outside the measurements
    phoenixSynth(sources(6), path.join(work, 'warm'));
    appPerChartCdk8s(sources(6), path.join(work, 'warm-cdk8s'));
    const perObject: Array<[number, number]> = [];
    let last: { count: number; cpuRatio: number } | undefined;
    for (const count of sizes) {
      const input = sources(count);
      const environments = input.environments.length;
      // Interleaved rounds, best of each side, so neither runs with colder JIT caches or a collection
      // the other left behind: five at 100 experiments (a round is half a second there, so one
      // collection moves the figure), two up to 1,000, one above.
      const rounds = count <= 100 ? 5 : count <= 1000 ? 2 : 1;
      let phoenix: Measurement | undefined;
      let perChart: Measurement | undefined;
      for (let round = 0; round < rounds; round++) {
        fs.rmSync(path.join(work, `phoenix-${count}`), { recursive: true, force: true });
        phoenix = best(
          phoenix,
          measure(() => phoenixSynth(input, path.join(work, `phoenix-${count}`, 'gitops'))),
        );
        if (count <= baselineMax) {
          fs.rmSync(path.join(work, `cdk8s-${count}`), { recursive: true, force: true });
          perChart = best(
            perChart,
            measure(() => appPerChartCdk8s(input, path.join(work, `cdk8s-${count}`))),
          );
        }
      }
      process.stdout.write(`${line(`phoenix synth ${count}×${environments}${rounds > 1 ? ` (best of ${rounds})` : ''}`, phoenix!)}\n`);
      perObject.push([count, phoenix!.cpuSeconds / phoenix!.objects]);
      if (perChart && phoenix) {
        process.stdout.write(`${line(`cdk8s app.synth(), App per chart ${count}×${environments}${rounds > 1 ? ` (best of ${rounds})` : ''}`, perChart)}\n`);
        process.stdout.write(`ratio vs cdk8s, App per chart: ${ratio(perChart, phoenix)}\n`);
        last = { count, cpuRatio: perChart.cpuSeconds / phoenix.cpuSeconds };
      }
      if (count <= oneAppMax) {
        const oneApp = measure(() => oneAppCdk8s(input, path.join(work, `cdk8s-one-${count}`)));
        process.stdout.write(`${line(`cdk8s app.synth(), one App ${count}×${environments}`, oneApp)}\n`);
        process.stdout.write(`ratio vs cdk8s, one App: ${ratio(oneApp, phoenix!)}\n`);
      }
      fs.rmSync(path.join(work, `phoenix-${count}`), { recursive: true, force: true });
      fs.rmSync(path.join(work, `cdk8s-${count}`), { recursive: true, force: true });
      fs.rmSync(path.join(work, `cdk8s-one-${count}`), { recursive: true, force: true });
    }
    const stageSize = Math.min(sizes[sizes.length - 1]!, 1000);
    const input = sources(stageSize);
    const split = stages(input, path.join(work, 'stages', 'gitops'));
    fs.rmSync(path.join(work, 'stages'), { recursive: true, force: true });
    const total = split.build + split.render + split.emit + split.write;
    const share = (seconds: number) => `${seconds.toFixed(2)} s (${((100 * seconds) / total).toFixed(0)}%)`;
    process.stdout.write(
      `where phoenix synth's CPU goes at ${stageSize}×${input.environments.length} (${total.toFixed(2)} s): building the charts ${share(split.build)}, ` +
        `rendering them (collector configs rendered and validated, experiment checks, toJson) ${share(split.render)}, laying out and emitting YAML ${share(split.emit)}, writing ${split.files} files ${share(split.write)}\n`,
    );
    // The same comparison with both outputs on the disk: file creation cost included.
    const diskSize = Math.min(sizes[0]!, baselineMax);
    const diskInput = sources(diskSize);
    const phoenixDisk = measure(() => phoenixSynth(diskInput, path.join(disk, 'phoenix', 'gitops')));
    const cdk8sDisk = measure(() => appPerChartCdk8s(diskInput, path.join(disk, 'cdk8s')));
    const perFile = fileCreationMillis(path.join(disk, 'files'), 500);
    process.stdout.write(
      `on the disk under ${os.tmpdir()} (${diskSize}×${diskInput.environments.length}; creating a file costs ${perFile.toFixed(2)} ms CPU there): ` +
        `phoenix ${phoenixDisk.cpuSeconds.toFixed(2)} cpu-s, cdk8s App per chart ${cdk8sDisk.cpuSeconds.toFixed(2)} cpu-s: ${(cdk8sDisk.cpuSeconds / phoenixDisk.cpuSeconds).toFixed(2)}× by CPU\n`,
    );
    process.stdout.write(`${emitterComparison(sources(Math.min(sizes[0]!, 300)))}\n`);
    if (perObject.length > 1) {
      const [first] = perObject;
      process.stdout.write(
        `linearity (CPU time per object relative to ${first![0]} experiments): ${perObject.map(([count, t]) => `${count}: ${(t / first![1]).toFixed(2)}`).join(', ')}\n`,
      );
    }
    if (last)
      process.stdout.write(
        `synth: ${last.cpuRatio.toFixed(2)}× peer speed (cdk8s app.synth(), App per chart, on the same objects; CPU, higher is better, target ≥ 2; ${last.count} experiments × 3 environments, output under ${outRoot})\n`,
      );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(disk, { recursive: true, force: true });
  }
}
