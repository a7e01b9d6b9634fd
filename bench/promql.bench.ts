/**
 * PromQL usage extraction: queries/s of parse (with the 2.42 checks) + usage extraction over a
 * generated set of realistic rule and dashboard queries, against bare lezer parsing of the same
 * queries measured in the same run. Size: PHOENIX_BENCH_PROMQL_QUERIES (default 20000).
 */
import { parser } from '@prometheus-io/lezer-promql';
import { assessQuery, extractUsage, parsePromQL, type QueryUsage } from '../analysis/promql';

const METRICS = [
  'http_server_request_duration_seconds',
  'rpc_server_duration_milliseconds',
  'db_client_operation_duration_seconds',
  'kafka_consumer_fetch_latency_seconds',
  'grpc_server_handling_seconds',
];
const COUNTERS = [
  'http_requests_total',
  'node_cpu_seconds_total',
  'container_cpu_usage_seconds_total',
  'node_network_receive_bytes_total',
  'kube_pod_container_status_restarts_total',
];
const GAUGES = [
  'node_memory_MemAvailable_bytes',
  'container_memory_working_set_bytes',
  'kube_deployment_status_replicas_available',
  'process_resident_memory_bytes',
  'up',
];
const LABELS = ['job', 'namespace', 'pod', 'instance', 'route', 'method', 'code', 'service', 'cluster', 'mode'];
const RANGES = ['1m', '5m', '10m', '1h'];

/** Deterministic generator (mulberry32) so every run measures the same queries. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generateQueries(count: number): string[] {
  const rnd = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const labels = (n: number): string => [...new Set(Array.from({ length: n }, () => pick(LABELS)))].join(', ');
  const matcher = (): string => (rnd() < 0.5 ? '' : `{${pick(LABELS)}${pick(['=', '=~', '!='])}"${pick(['api', 'checkout', '5..', 'prod', 'GET|POST'])}"}`);
  const templates: Array<() => string> = [
    () => `sum by (${labels(2)}) (rate(${pick(COUNTERS)}${matcher()}[${pick(RANGES)}]))`,
    () => `histogram_quantile(0.${pick(['5', '9', '95', '99'])}, sum by (le, ${labels(2)}) (rate(${pick(METRICS)}_bucket${matcher()}[${pick(RANGES)}])))`,
    () => `sum by (job) (rate(${pick(COUNTERS)}{code=~"5.."}[5m])) / sum by (job) (rate(${pick(COUNTERS)}[5m])) > 0.05`,
    () => `sum without (${labels(2)}) (${pick(GAUGES)}${matcher()})`,
    () => `topk(10, sum by (${labels(1)}) (increase(${pick(COUNTERS)}[1h])))`,
    () => `max by (${labels(2)}) (max_over_time(${pick(GAUGES)}${matcher()}[${pick(RANGES)}]))`,
    () => `sum by (team) (rate(${pick(COUNTERS)}[5m]) * on (namespace) group_left (team) kube_namespace_labels)`,
    () => `label_replace(sum by (service) (rate(${pick(COUNTERS)}[5m])), "svc", "$1", "service", "(.*)-v[0-9]+")`,
    () => `absent(up{job="${pick(['api', 'db', 'cache'])}"} == 1)`,
    () => `avg_over_time(sum by (${labels(1)}) (rate(${pick(COUNTERS)}[5m]))[1h:1m])`,
    () => `(1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) * 100 > 90`,
    () => `${pick(GAUGES)}${matcher()} / on (${labels(1)}) ${pick(GAUGES)} < 0.1`,
    () => `count by (${labels(1)}) (${pick(GAUGES)} unless on (${labels(1)}) up == 0)`,
    () => `predict_linear(${pick(GAUGES)}${matcher()}[6h], 4 * 3600) < 0`,
  ];
  return Array.from({ length: count }, () => pick(templates)());
}

function measure(label: string, queries: readonly string[], work: (q: string) => void): number {
  for (const q of queries.slice(0, 500)) work(q); // warm-up
  const start = process.hrtime.bigint();
  for (const q of queries) work(q);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = queries.length / seconds;
  process.stdout.write(`${label.padEnd(44)} ${rate.toFixed(0).padStart(9)} queries/s  (${(seconds * 1000).toFixed(0)} ms)\n`);
  return rate;
}

export async function run(): Promise<void> {
  const count = Number(process.env.PHOENIX_BENCH_PROMQL_QUERIES ?? 20_000);
  const queries = generateQueries(count);
  process.stdout.write(`${count} generated queries (${new Set(queries).size} distinct)\n`);
  const bare = measure('baseline: lezer parse only', queries, (q) => void parser.parse(q));
  const usages: QueryUsage[] = [];
  const full = measure('parse + 2.42 checks + usage extraction', queries, (q) => {
    const parsed = parsePromQL(q);
    if (!parsed.ok) throw new Error(`generated query does not parse: ${q}: ${parsed.problems[0]!.message}`);
    usages.push(extractUsage(parsed.expr));
  });
  process.stdout.write(`ratio (usage extraction / bare parse)              ${(full / bare).toFixed(2)}×\n`);
  const lastLine = `promql: ${(full / bare).toFixed(2)}× floor (lezer parse only; parse + 2.42 checks + usage extraction, time, lower is better)\n`;
  let i = 0;
  measure('assessQuery (sum away pod)', queries, () => {
    const usage = usages[i++ % usages.length]!;
    const metric = usage.selectors[0]?.metric ?? 'up';
    assessQuery(usage, { kind: 'aggregate', metric, function: 'sum', remove: ['pod'] });
  });
  process.stdout.write(lastLine);
}
