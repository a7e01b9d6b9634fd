/**
 * Pushes metrics to a real collector's `otlp` receiver over OTLP/HTTP JSON (`POST /v1/metrics`):
 * one resource per call, gauges, monotonic cumulative sums and explicit-bucket histograms, with
 * the caller's timestamps, so a test knows exactly what the collector received.
 */

/** One data point: attributes, value (a histogram's bucket counts, sum and count), time. */
export interface OtlpPoint {
  readonly attributes: Readonly<Record<string, string>>;
  readonly value?: number;
  readonly histogram?: { readonly bounds: readonly number[]; readonly counts: readonly number[]; readonly sum: number };
}

/** One metric of a push. */
export interface OtlpMetric {
  readonly name: string;
  readonly unit?: string;
  readonly kind: 'gauge' | 'sum' | 'histogram';
  readonly points: readonly OtlpPoint[];
}

/** Sends one resource's metrics at `timeMs` (cumulative since `startMs`) to `endpoint` (`127.0.0.1:P`). */
export async function pushOtlp(
  endpoint: string,
  resource: Readonly<Record<string, string>>,
  metrics: readonly OtlpMetric[],
  timeMs: number,
  startMs: number,
): Promise<void> {
  const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
  const attributes = (bag: Readonly<Record<string, string>>) => Object.entries(bag).map(([key, value]) => ({ key, value: { stringValue: value } }));
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: attributes(resource) },
        scopeMetrics: [
          {
            scope: { name: 'phoenix-test', version: '1.0.0' },
            metrics: metrics.map((m) => {
              const points = m.points.map((p) => {
                const base = { attributes: attributes(p.attributes), timeUnixNano: nanos(timeMs), startTimeUnixNano: nanos(startMs) };
                if (m.kind !== 'histogram') return { ...base, asDouble: p.value ?? 0 };
                const h = p.histogram!;
                return { ...base, count: `${h.counts.reduce((a, b) => a + b, 0)}`, sum: h.sum, bucketCounts: h.counts.map(String), explicitBounds: h.bounds };
              });
              const data =
                m.kind === 'gauge'
                  ? { gauge: { dataPoints: points } }
                  : m.kind === 'sum'
                    ? { sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points } }
                    : { histogram: { aggregationTemporality: 2, dataPoints: points } };
              return { name: m.name, ...(m.unit ? { unit: m.unit } : {}), ...data };
            }),
          },
        ],
      },
    ],
  };
  const response = await fetch(`http://${endpoint}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`OTLP push to ${endpoint} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
}
