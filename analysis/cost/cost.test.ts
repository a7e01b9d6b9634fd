import { describe, expect, it } from 'vitest';
import type { Series } from '../series/model';
import type { RenderedCollectorConfig } from '../simulate/simulate';
import { assessGuardrail, CLOUDWATCH_CUSTOM_METRICS, estimateExperiment, GRAFANA_CLOUD_PRO, Money, monthlyCost } from './index';
import type { MetricChange } from '../simulate/changes';
import { estimateUsage } from '../simulate/rates';
import { COUNTER_RESET_CAVEAT, DELTA_RESET_CAVEAT } from '../promql';

describe('monthlyCost', () => {
  it('prices Grafana Cloud Pro series exactly', () => {
    // GIVEN 12,345 series at USD 6.50 per 1,000
    const cost = monthlyCost(GRAFANA_CLOUD_PRO, { series: 12_345, samplesPerMinute: 0, bytesPerMonth: 0 });
    // THEN 80.2425 exactly (no float error), shown as cents
    expect(cost.total.toJSON()).toEqual({ amount: '80.2425', currency: 'USD' });
    expect(cost.total.format()).toBe('USD 80.24');
  });

  it('prices CloudWatch custom metrics by tier', () => {
    const cost = monthlyCost(CLOUDWATCH_CUSTOM_METRICS, { series: 260_000, samplesPerMinute: 0, bytesPerMonth: 0 });
    // 10,000 × 0.30 + 240,000 × 0.10 + 10,000 × 0.05 = 3,000 + 24,000 + 500
    expect(cost.total.toJSON().amount).toBe('27500');
    expect(cost.lines.map((l) => l.amount.toJSON().amount)).toEqual(['3000', '24000', '500']);
  });

  it('prices samples per minute and bytes from an estimate', () => {
    const usage = estimateUsage(1000, { intervalSeconds: 30, bytesPerSample: 2 });
    expect(usage).toMatchObject({ samplesPerMinute: 2000, bytesPerMonth: 2000 * 43_800 * 2, estimated: true });
    const cost = monthlyCost({ currency: 'EUR', perThousandSamplesPerMinuteMonth: '0.10', perGigabyte: '0.50' }, usage);
    expect(cost.total.toJSON()).toEqual({ amount: '0.2876', currency: 'EUR' });
  });

  it('fails when a price is not a decimal string or the currency is not ISO 4217', () => {
    expect(() => monthlyCost({ currency: 'USD', perGigabyte: 'cheap' }, { series: 1, samplesPerMinute: 1, bytesPerMonth: 1 })).toThrow(
      /perGigabyte \("cheap"\) must be a decimal string/,
    );
    expect(() => Money.of('1', 'dollars')).toThrow(/ISO 4217/);
    expect(() => Money.of('1', 'USD').plus(Money.of('1', 'EUR'))).toThrow(/cannot combine USD with EUR/);
  });
});

describe('estimateExperiment', () => {
  const series: Series[] = [];
  for (let pod = 0; pod < 10; pod++)
    for (const route of ['/a', '/b'])
      series.push({ name: 'http_requests_total', labels: { job: 'api', instance: 'i', route, pod: `p${pod}` }, type: 'counter' });
  const config = (processors: Record<string, unknown>): RenderedCollectorConfig => ({
    processors,
    exporters: { prometheusremotewrite: {} },
    service: { pipelines: { metrics: { receivers: ['otlp'], processors: Object.keys(processors), exporters: ['prometheusremotewrite'] } } },
  });
  const candidate = config({
    'transform/keep': { metric_statements: [{ context: 'metric', statements: ['aggregate_on_attributes("sum", ["route"]) where name == "http.requests"'] }] },
  });

  it('gives series, cost and saving per candidate, the shadow cost and guardrail verdicts', () => {
    // GIVEN 20 series aggregated to 2 by a candidate, priced at USD 6.50 per 1k
    const estimate = estimateExperiment({
      experiment: 'http',
      series,
      variants: [
        { name: 'baseline', config: config({}), pipeline: 'metrics' },
        { name: 'by-route', config: candidate, pipeline: 'metrics' },
      ],
      guardrails: [{ query: 'sum by (route) (rate(http_requests_total[5m]))', source: 'rules.yaml:3:11' }],
      priceModel: GRAFANA_CLOUD_PRO,
      assess: (_g, changes) =>
        changes.some((c) => c.removedLabels.includes('route'))
          ? { status: 'changed', metric: 'http_requests_total', label: 'route', why: 'route removed' }
          : { status: 'unchanged' },
    });
    const [c] = estimate.candidates;
    expect(c).toMatchObject({ variant: 'by-route', before: { series: 20 }, after: { series: 2 }, savingPercent: 90, collisions: 0 });
    expect(c!.saving.toJSON().amount).toBe('0.117');
    expect(estimate.shadowCost.toJSON().amount).toBe('0.143');
    expect(c!.guardrails[0]!.verdict).toEqual({ status: 'unchanged' });
    expect(c!.changes).toEqual([
      {
        metric: 'http_requests_total',
        status: 'reduced',
        seriesBefore: 20,
        seriesAfter: 2,
        removedLabels: ['pod'],
        functions: ['sum'],
        collisions: 0,
        mergedAsDelta: false,
      },
    ]);
  });

  it('says unknown for every guardrail when no assessment is available', () => {
    const estimate = estimateExperiment({
      experiment: 'http',
      series,
      variants: [
        { name: 'baseline', config: config({}), pipeline: 'metrics' },
        { name: 'c', config: candidate, pipeline: 'metrics' },
      ],
      guardrails: [{ query: 'up' }],
      priceModel: GRAFANA_CLOUD_PRO,
    });
    expect(estimate.candidates[0]!.guardrails[0]!.verdict.status).toBe('unknown');
  });

  it('fails when there are no variants', () => {
    expect(() => estimateExperiment({ experiment: 'x', series, variants: [], guardrails: [], priceModel: GRAFANA_CLOUD_PRO })).toThrow(
      /experiment x has no variants/,
    );
  });
});

describe('assessGuardrail', () => {
  const change = (over: Partial<MetricChange>): MetricChange => ({
    metric: 'http_requests_total',
    status: 'reduced',
    seriesBefore: 20,
    seriesAfter: 2,
    removedLabels: ['pod'],
    functions: ['sum'],
    collisions: 0,
    mergedAsDelta: false,
    ...over,
  });

  it('keeps a sum by route unchanged when pods are summed away', () => {
    expect(assessGuardrail({ query: 'sum by (route) (rate(http_requests_total[5m]))' }, [change({})]).status).toBe('unchanged');
  });

  it('reports the label and function when a query needs what was merged', () => {
    const verdict = assessGuardrail({ query: 'max by (pod) (rate(http_requests_total[5m]))' }, [change({})]);
    expect(verdict).toMatchObject({ status: 'changed', metric: 'http_requests_total', label: 'pod', function: 'sum' });
  });

  it('reports a dropped metric, collisions and filtered series', () => {
    expect(assessGuardrail({ query: 'up' }, [change({ metric: 'up', status: 'dropped', seriesAfter: 0, functions: [], removedLabels: [] })]).status).toBe(
      'changed',
    );
    expect(assessGuardrail({ query: 'sum(http_requests_total)' }, [change({ functions: [], collisions: 3 })])).toMatchObject({
      status: 'changed',
      why: expect.stringMatching(/last write wins/),
    });
    expect(assessGuardrail({ query: 'sum(http_requests_total)' }, [change({ functions: [], removedLabels: [], seriesAfter: 15 })])).toMatchObject({
      status: 'changed',
      why: '5 of 20 series of http_requests_total are dropped by a filter',
    });
  });

  it('says unknown when the query does not parse', () => {
    expect(assessGuardrail({ query: 'sum(' }, [change({})])).toMatchObject({ status: 'unknown', why: expect.stringMatching(/does not parse/) });
  });
});

describe('assessGuardrail counter-reset caveat', () => {
  const summed: MetricChange = {
    metric: 'c_total',
    status: 'reduced',
    seriesBefore: 4,
    seriesAfter: 1,
    removedLabels: ['pod'],
    functions: ['sum'],
    collisions: 0,
    mergedAsDelta: false,
  };
  it("warns that a reset changes a sum of cumulative counters, and only by the restarted counter's first value when deltas were summed", () => {
    expect(assessGuardrail({ query: 'sum(rate(c_total[5m]))' }, [summed])).toEqual({ status: 'unchanged', why: COUNTER_RESET_CAVEAT });
    expect(assessGuardrail({ query: 'sum(rate(c_total[5m]))' }, [{ ...summed, mergedAsDelta: true }])).toEqual({
      status: 'unchanged',
      why: DELTA_RESET_CAVEAT,
    });
    // a gauge read without a counter function carries neither
    expect(assessGuardrail({ query: 'sum(c_total)' }, [{ ...summed, mergedAsDelta: true }])).toEqual({ status: 'unchanged' });
  });
});
