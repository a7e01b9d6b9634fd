/**
 * Cost of the Experiment construct: builds and synthesizes N running experiments (3 variants each:
 * shadow pipelines, candidate checks, manifest) against N bare CollectorDeployments of the same
 * baseline in the same run. PHOENIX_BENCH_EXPERIMENTS sets N (default 100).
 */
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { CollectorPipeline, Processor } from '../constructs/collector';
import { CollectorDeployment } from '../constructs/deployment/collector-deployment';
import { Experiment } from '../constructs/experiment/experiment';

const HISTOGRAM = 'http.server.request.duration';
const BASELINE_FILE = join(__dirname, '..', 'experiments', 'baselines', 'checkout-otlp.yaml');

function candidate(name: string, keep: string[]) {
  return {
    name,
    processors: [
      Processor.cumulativeToDelta({ name, metrics: [HISTOGRAM] }),
      Processor.keepAttributes({ name, metrics: [{ name: HISTOGRAM, type: 'histogram' }], keep }),
      Processor.deltaToCumulative({ name }),
    ],
  };
}

function timed(label: string, count: number, build: (chart: Chart, index: number) => void, quiet = false): number {
  const start = process.hrtime.bigint();
  const chart = new Chart(Testing.app(), 'bench');
  for (let index = 0; index < count; index += 1) build(chart, index);
  const objects = Testing.synth(chart).length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (!quiet) process.stdout.write(`${label}: ${count} in ${ms.toFixed(0)} ms (${(ms / count).toFixed(2)} ms each, ${objects} objects)\n`);
  return ms;
}

export async function run(): Promise<void> {
  const count = Number(process.env.PHOENIX_BENCH_EXPERIMENTS ?? 100);
  const bare = (chart: Chart, index: number) => {
    const baseline = CollectorPipeline.fromYaml(BASELINE_FILE);
    new CollectorDeployment(chart, `collector-${index}`, { name: `collector-${index}`, config: () => baseline.render() });
  };
  const experiment = (chart: Chart, index: number) => {
    new Experiment(chart, `exp-${index}`, {
      baseline: CollectorPipeline.fromYaml(BASELINE_FILE),
      scope: [HISTOGRAM],
      candidates: [candidate('route-status', ['http.route', 'http.response.status_code']), candidate('route-only', ['http.route'])],
      guardrails: {
        queries: [{ name: 'p95', expr: 'histogram_quantile(0.95, sum by (le, job, http_route) (rate(http_server_request_duration_seconds_bucket[5m])))' }],
      },
      target: {
        environment: 'bench',
        namespace: 'bench',
        remoteWriteUrl: 'https://prod.example/push',
        shadowRemoteWriteUrl: 'https://shadow.example/push',
        scrapeIntervalSeconds: 60,
        lifecycle: { phase: 'running' },
      },
    });
  };
  // Warm-up: compile the schemas and JIT both paths before measuring.
  timed('warm-up', 5, bare, true);
  timed('warm-up', 5, experiment, true);
  const baselineMs = timed('baseline (CollectorDeployment of the imported baseline)', count, bare);
  const experimentMs = timed('experiment (running, 3 variants)', count, experiment);
  process.stdout.write(`ratio experiment / baseline: ${(experimentMs / baselineMs).toFixed(2)}×\n`);
  process.stdout.write(
    `experiment-synth: ${(experimentMs / baselineMs).toFixed(2)}× peer (a CollectorDeployment of the imported baseline; time, lower is better)\n`,
  );
}
