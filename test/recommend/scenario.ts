import type { FamilyMetadata, MetricType, Series } from '../../analysis/series';
import type { Samples } from '../../analysis/simulate';

/**
 * A generated estate for the recommender's tests and benchmark: HTTP-histogram-like and
 * node-exporter-like metrics carrying per-pod, per-user and per-request labels no query reads,
 * with the rule files and dashboards that read them.
 */
export interface Scenario {
  readonly series: Series[];
  /** Samples per series (same index), empty unless `times` was given. */
  readonly samples: Array<Array<[number, number]>>;
  readonly families: Map<string, FamilyMetadata>;
  /** File name → text. */
  readonly rules: Record<string, string>;
  readonly dashboards: Record<string, string>;
}

/** Size and events of a generated scenario. */
export interface ScenarioOptions {
  readonly routes?: number;
  readonly pods?: number;
  readonly users?: number;
  readonly requests?: number;
  readonly nodes?: number;
  readonly cpus?: number;
  /** Sample timestamps (unix seconds); none: series only. @default - none */
  readonly times?: readonly number[];
  /** Index in `times` at which pod 1 restarts (its counters start again from zero). @default - no reset */
  readonly resetAt?: number;
  /** Index in `times` at which the last pod is replaced by a new one (new series). @default - no replacement */
  readonly replaceAt?: number;
}

const BUCKETS = ['0.05', '0.25', '1', '+Inf'];
const BUCKET_BOUNDS = [0.05, 0.25, 1, Infinity];

/** Builds the scenario deterministically (a fixed seed). */
export function generateScenario(options: ScenarioOptions = {}): Scenario {
  const routes = Array.from({ length: options.routes ?? 3 }, (_, i) => `/api/v1/r${i}`);
  const pods = Array.from({ length: options.pods ?? 3 }, (_, i) => `checkout-7d9f-${i}`);
  const users = Array.from({ length: options.users ?? 3 }, (_, i) => `user-${i}`);
  const requests = Array.from({ length: options.requests ?? 2 }, (_, i) => `req-${i}`);
  const times = options.times ?? [];
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const series: Series[] = [];
  const samples: Array<Array<[number, number]>> = [];
  const families = new Map<string, FamilyMetadata>([
    ['http_requests_total', { type: 'counter' }],
    ['http_server_request_duration_seconds', { type: 'histogram' }],
    ['http_server_active_requests', { type: 'gauge' }],
    ['node_cpu_seconds_total', { type: 'counter' }],
    ['node_filesystem_avail_bytes', { type: 'gauge' }],
    ['node_memory_MemAvailable_bytes', { type: 'gauge' }],
    ['node_memory_MemTotal_bytes', { type: 'gauge' }],
    ['node_network_receive_bytes_total', { type: 'counter' }],
    ['app_cache_entries', { type: 'gauge' }],
  ]);
  const add = (name: string, labels: Record<string, string>, type: MetricType, values: Array<[number, number]>) => {
    series.push({ name, labels, type });
    samples.push(values);
  };
  /** Index range a pod's series live in: the replaced pod stops at replaceAt, its successor starts there. */
  const podLives: Array<{ pod: string; from: number; to: number }> = pods.map((pod) => ({ pod, from: 0, to: times.length }));
  if (options.replaceAt !== undefined) {
    podLives[podLives.length - 1]!.to = options.replaceAt;
    podLives.push({ pod: 'checkout-7d9f-new', from: options.replaceAt, to: times.length });
  }
  const counter = (life: { pod: string; from: number; to: number }, rate: number) => {
    let value = Math.floor(random() * 1000);
    const out: Array<[number, number]> = [];
    for (let i = life.from; i < life.to; i++) {
      if (options.resetAt === i && life.pod === pods[1]) value = 0;
      value += Math.floor(random() * rate);
      out.push([times[i]!, value]);
    }
    return out;
  };
  const base = { job: 'shop/checkout', instance: 'otel-gateway-0' };
  for (const life of podLives) {
    for (const route of routes) {
      for (const method of ['GET', 'POST']) {
        for (const status of ['200', '503']) {
          for (const user of users) {
            for (const request of requests) {
              const labels = {
                ...base,
                http_route: route,
                http_request_method: method,
                http_response_status_code: status,
                k8s_pod_name: life.pod,
                user_id: user,
                request_id: request,
              };
              add('http_requests_total', labels, 'counter', counter(life, status === '200' ? 20 : 3));
              // the latency histogram: cumulative buckets, sum and count
              const buckets = BUCKETS.map(() => [] as Array<[number, number]>);
              const sums: Array<[number, number]> = [];
              const counts = [0, 0, 0, 0];
              let sum = 0;
              for (let i = life.from; i < life.to; i++) {
                if (options.resetAt === i && life.pod === pods[1]) {
                  counts.fill(0);
                  sum = 0;
                }
                const observations = Math.floor(random() * 6);
                for (let o = 0; o < observations; o++) {
                  const latency = Math.round(random() * 1500) / 1000;
                  sum += latency;
                  BUCKET_BOUNDS.forEach((bound, b) => {
                    if (latency <= bound) counts[b]! += 1;
                  });
                }
                counts.forEach((c, b) => buckets[b]!.push([times[i]!, c]));
                sums.push([times[i]!, Math.round(sum * 1000) / 1000]);
              }
              BUCKETS.forEach((le, b) => add('http_server_request_duration_seconds_bucket', { ...labels, le }, 'histogram', buckets[b]!));
              add('http_server_request_duration_seconds_sum', labels, 'histogram', sums);
              add(
                'http_server_request_duration_seconds_count',
                labels,
                'histogram',
                buckets[BUCKETS.length - 1]!.map(([t, v]) => [t, v]),
              );
            }
          }
        }
      }
      const gauge: Array<[number, number]> = [];
      for (let i = life.from; i < life.to; i++) gauge.push([times[i]!, Math.floor(random() * 50)]);
      add('http_server_active_requests', { ...base, http_route: route, k8s_pod_name: life.pod }, 'gauge', gauge);
    }
    for (const shard of ['0', '1', '2', '3']) {
      const gauge: Array<[number, number]> = [];
      for (let i = life.from; i < life.to; i++) gauge.push([times[i]!, Math.floor(random() * 1e4)]);
      add('app_cache_entries', { ...base, k8s_pod_name: life.pod, shard }, 'gauge', gauge);
    }
  }
  const all = (fn: () => number): Array<[number, number]> => times.map((t) => [t, fn()]);
  for (let n = 0; n < (options.nodes ?? 2); n++) {
    const node = { job: 'node-exporter', instance: `node-${n}:9100` };
    for (let cpu = 0; cpu < (options.cpus ?? 4); cpu++) {
      for (const mode of ['idle', 'user', 'system', 'iowait']) {
        add(
          'node_cpu_seconds_total',
          { ...node, cpu: String(cpu), mode },
          'counter',
          counter({ pod: 'node', from: 0, to: times.length }, mode === 'idle' ? 60 : 10),
        );
      }
    }
    for (const [device, mountpoint, fstype] of [
      ['sda1', '/', 'ext4'],
      ['sdb1', '/data', 'xfs'],
      ['tmpfs', '/run', 'tmpfs'],
    ] as const) {
      add(
        'node_filesystem_avail_bytes',
        { ...node, device, mountpoint, fstype },
        'gauge',
        all(() => Math.floor(random() * 1e9)),
      );
    }
    add(
      'node_memory_MemAvailable_bytes',
      node,
      'gauge',
      all(() => Math.floor(random() * 8e9)),
    );
    add(
      'node_memory_MemTotal_bytes',
      node,
      'gauge',
      all(() => 16e9),
    );
    for (const device of ['eth0', 'eth1', 'lo'])
      add('node_network_receive_bytes_total', { ...node, device }, 'counter', counter({ pod: 'node', from: 0, to: times.length }, 5000));
  }
  return { series, samples, families, rules: RULES, dashboards: DASHBOARDS };
}

const RULES: Record<string, string> = {
  'http.rules.yaml': `groups:
  - name: http
    rules:
      - record: job_route:http_requests:rate5m
        expr: sum by (job, http_route) (rate(http_requests_total[5m]))
      - alert: HighErrorRate
        expr: |
          sum by (job) (rate(http_requests_total{http_response_status_code=~"5.."}[5m]))
            / sum by (job) (rate(http_requests_total[5m])) > 0.05
        for: 10m
      - record: job_route:http_server_request_duration_seconds:p99_5m
        expr: histogram_quantile(0.99, sum by (le, job, http_route) (rate(http_server_request_duration_seconds_bucket[5m])))
      - record: job:http_server_request_duration_seconds:mean5m
        expr: sum by (job) (rate(http_server_request_duration_seconds_sum[5m])) / sum by (job) (rate(http_server_request_duration_seconds_count[5m]))
      - alert: TooManyInFlight
        expr: max by (job, http_route) (http_server_active_requests) > 45
`,
  'node.rules.yaml': `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: node
spec:
  groups:
    - name: node
      rules:
        - record: instance_mode:node_cpu_seconds:rate5m
          expr: sum by (instance, mode) (rate(node_cpu_seconds_total[5m]))
        - alert: NodeMemoryLow
          expr: node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.1
        - alert: FilesystemAlmostFull
          expr: min by (instance, mountpoint) (node_filesystem_avail_bytes{fstype!="tmpfs"}) < 1e8
        - record: instance:node_network_receive_bytes:rate5m
          expr: sum by (instance) (rate(node_network_receive_bytes_total{device!="lo"}[5m]))
`,
};

const panel = (title: string, expr: string) => ({
  type: 'timeseries',
  title,
  datasource: { type: 'prometheus', uid: 'prom' },
  targets: [{ refId: 'A', expr }],
});

const DASHBOARDS: Record<string, string> = {
  'checkout.json': JSON.stringify(
    {
      title: 'Checkout',
      templating: { list: [{ name: 'job', type: 'query', query: 'label_values(http_requests_total, job)' }] },
      panels: [
        panel('Requests by route', 'sum by (http_route) (rate(http_requests_total{job=~"$job"}[$__rate_interval]))'),
        panel('Requests by method', 'sum by (http_request_method) (increase(http_requests_total{job=~"$job"}[10m]))'),
        panel('p95 latency', 'histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{job=~"$job"}[$__rate_interval])))'),
        panel('In flight', 'max by (http_route) (http_server_active_requests{job=~"$job"})'),
      ],
    },
    null,
    2,
  ),
  'nodes.json': JSON.stringify(
    {
      title: 'Nodes',
      panels: [
        panel('CPU by mode', 'sum by (mode) (rate(node_cpu_seconds_total{mode!="idle"}[$__rate_interval]))'),
        panel('Free disk', 'min by (instance, mountpoint) (node_filesystem_avail_bytes)'),
      ],
    },
    null,
    2,
  ),
};

/** The scenario's series as a Prometheus text exposition (a snapshot file). */
export function toExposition(scenario: Pick<Scenario, 'series' | 'families'>): string {
  const lines: string[] = [];
  for (const [name, meta] of scenario.families) lines.push(`# TYPE ${name} ${meta.type}`);
  for (const s of scenario.series) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    lines.push(`${s.name}{${labels}} 1`);
  }
  return `${lines.join('\n')}\n`;
}

export type { Samples };
