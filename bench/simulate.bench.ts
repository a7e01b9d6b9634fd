/**
 * Pipeline simulation throughput: N series (default 1,000,000; PHOENIX_BENCH_SIMULATE_SERIES)
 * shaped like per-pod HTTP counters with per-user and per-method labels, through a candidate
 * that converts to delta, filters one route, keeps `http.route` + `http.response.status_code`
 * and sums the rest, converts back, and batches. Baseline, measured in the same run over the
 * same series: a bare pass that copies every label map (the least any simulation must do).
 * Reports series/s (target ≥ 200,000/s), peak RSS and the ratio to the baseline.
 */
import type { Series } from '../analysis/series';
import { simulateProcessors, type ConfiguredProcessor } from '../analysis/simulate';

const SERIES = Number(process.env.PHOENIX_BENCH_SIMULATE_SERIES ?? 1_000_000);
const ROUNDS = Number(process.env.PHOENIX_BENCH_SIMULATE_ROUNDS ?? 3);

function makeSeries(count: number): Series[] {
  const routes = Array.from({ length: 50 }, (_, i) => `/api/v1/resource-${i}`);
  const methods = ['GET', 'POST', 'PUT', 'DELETE'];
  const codes = ['200', '201', '400', '404', '500'];
  const out: Series[] = new Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = {
      name: 'http_server_requests_total',
      type: 'counter',
      labels: {
        job: 'shop/checkout',
        instance: `checkout-${i % 200}`,
        http_route: routes[(i >> 3) % routes.length]!,
        http_request_method: methods[(i >> 1) % methods.length]!,
        http_response_status_code: codes[(i >> 5) % codes.length]!,
        user_id: `u${i % 5000}`,
      },
    };
  }
  return out;
}

const candidate: ConfiguredProcessor[] = [
  { id: 'memory_limiter', config: { check_interval: '1s', limit_percentage: 80 } },
  { id: 'filter/health', config: { error_mode: 'ignore', metrics: { datapoint: ['attributes["http.route"] == "/api/v1/resource-0"'] } } },
  { id: 'cumulativetodelta', config: { include: { metrics: ['http.server.requests'], match_type: 'strict' } } },
  {
    id: 'transform/keep',
    config: {
      error_mode: 'ignore',
      metric_statements: [
        {
          context: 'datapoint',
          statements: [
            'keep_keys(attributes, ["http.route", "http.response.status_code"]) where metric.name == "http.server.requests" and metric.type == METRIC_DATA_TYPE_SUM',
          ],
        },
        {
          context: 'metric',
          statements: [
            'aggregate_on_attributes("sum", ["http.route", "http.response.status_code"]) where name == "http.server.requests" and type == METRIC_DATA_TYPE_SUM',
          ],
        },
      ],
    },
  },
  { id: 'deltatocumulative', config: {} },
  { id: 'batch', config: {} },
];

function bareCopy(series: readonly Series[]): number {
  let labels = 0;
  const out: Series[] = new Array(series.length);
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    const copy = { ...s.labels };
    labels += Object.keys(copy).length;
    out[i] = { name: s.name, labels: copy, type: s.type };
  }
  return labels + out.length;
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

export async function run(): Promise<void> {
  const built = time(() => makeSeries(SERIES));
  const series = built.value;
  process.stdout.write(`series: ${SERIES.toLocaleString('en-US')} (built in ${built.ms.toFixed(0)} ms), rounds: ${ROUNDS}\n`);
  let bestBare = Infinity;
  let bestSim = Infinity;
  let outputCount = 0;
  for (let round = 0; round < ROUNDS; round++) {
    bestBare = Math.min(bestBare, time(() => bareCopy(series)).ms);
    const sim = time(() => simulateProcessors(candidate, { exporter: 'prometheusremotewrite' }, series));
    bestSim = Math.min(bestSim, sim.ms);
    outputCount = sim.value.output.length;
    if (sim.value.notes.length > 0) throw new Error(`unexpected notes: ${JSON.stringify(sim.value.notes)}`);
  }
  const rate = (SERIES / bestSim) * 1000;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `simulate: ${bestSim.toFixed(0)} ms → ${Math.round(rate).toLocaleString('en-US')} series/s (target ≥ 200,000/s) · output ${outputCount.toLocaleString('en-US')} series\n`,
  );
  process.stdout.write(
    `baseline (copy every label map): ${bestBare.toFixed(0)} ms → ${Math.round((SERIES / bestBare) * 1000).toLocaleString('en-US')} series/s\n`,
  );
  process.stdout.write(`ratio simulate / baseline: ${(bestSim / bestBare).toFixed(1)}× · peak RSS ${peakMiB.toFixed(0)} MiB (whole process, input included)\n`);
  process.stdout.write(`simulate: ${(bestSim / bestBare).toFixed(2)}× floor (copy every label map; time, lower is better)\n`);
}
