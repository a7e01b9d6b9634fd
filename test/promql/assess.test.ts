import { describe, expect, it } from 'vitest';
import { assessQuery, COUNTER_RESET_CAVEAT, extractUsage, findLosslessAggregation, parsePromQL, type QueryUsage } from '../../analysis/promql';

function usageOf(query: string): QueryUsage {
  const parsed = parsePromQL(query);
  if (!parsed.ok) throw new Error(`test query does not parse: ${parsed.problems[0]!.message}`);
  return extractUsage(parsed.expr);
}

const sumAway = (metric: string, ...remove: string[]) => ({ kind: 'aggregate', metric, function: 'sum', remove }) as const;

describe('assessQuery', () => {
  it('keeps sum by (x) when labels nobody reads are summed away', () => {
    const verdict = assessQuery(usageOf('sum by (job) (x)'), sumAway('x', 'pod', 'instance'));
    expect(verdict).toEqual({ verdict: 'unchanged', caveats: [] });
  });

  it('keeps rate inside sum for summed counters, stating the counter-reset condition', () => {
    const verdict = assessQuery(usageOf('sum by (job) (rate(http_requests_total[5m]))'), sumAway('http_requests_total', 'pod'));
    expect(verdict).toEqual({ verdict: 'unchanged', caveats: [COUNTER_RESET_CAVEAT] });
  });

  it('keeps histogram_quantile over sum by (le)', () => {
    const verdict = assessQuery(
      usageOf('histogram_quantile(0.99, sum by (le, job) (rate(http_server_request_duration_seconds_bucket[5m])))'),
      sumAway('http_server_request_duration_seconds_bucket', 'user_id'),
    );
    expect(verdict.verdict).toBe('unchanged');
  });

  it('changes max by when series are summed', () => {
    const verdict = assessQuery(usageOf('max by (job) (queue_depth)'), sumAway('queue_depth', 'pod'));
    expect(verdict).toMatchObject({
      verdict: 'changed',
      reasons: [{ metric: 'queue_depth', function: 'sum', reason: expect.stringMatching(/max by \(job\)/) }],
    });
  });

  it('keeps max by under max, and min under min through max_over_time/min_over_time', () => {
    expect(assessQuery(usageOf('max by (job) (max_over_time(q[10m]))'), { kind: 'aggregate', metric: 'q', function: 'max', remove: ['pod'] }).verdict).toBe(
      'unchanged',
    );
    expect(assessQuery(usageOf('min(min_over_time(q[10m]))'), { kind: 'aggregate', metric: 'q', function: 'min', remove: ['pod'] }).verdict).toBe('unchanged');
    expect(assessQuery(usageOf('max(rate(c[5m]))'), { kind: 'aggregate', metric: 'c', function: 'max', remove: ['pod'] }).verdict).toBe('changed');
  });

  it('changes count, avg and quantile over merged series', () => {
    for (const query of ['count by (job) (up)', 'avg by (job) (up)', 'quantile by (job) (0.9, up)', 'stddev(up)']) {
      expect(assessQuery(usageOf(query), sumAway('up', 'pod')).verdict).toBe('changed');
    }
  });

  it('keeps group by and absent whatever the function', () => {
    expect(assessQuery(usageOf('group by (job) (up)'), { kind: 'aggregate', metric: 'up', function: 'mean', remove: ['pod'] }).verdict).toBe('unchanged');
    expect(assessQuery(usageOf('absent(up{job="api"})'), sumAway('up', 'pod')).verdict).toBe('unchanged');
  });

  it('changes a query whose grouping or matcher reads a removed label, naming the label', () => {
    const verdict = assessQuery(usageOf('sum by (pod) (x)'), sumAway('x', 'pod'));
    expect(verdict).toMatchObject({ verdict: 'changed', reasons: [{ label: 'pod', function: 'sum' }] });
    const matcher = assessQuery(usageOf('sum(x{pod="a"})'), sumAway('x', 'pod'));
    expect(matcher).toMatchObject({ verdict: 'changed', reasons: [{ label: 'pod', reason: expect.stringMatching(/matcher/) }] });
  });

  it('changes a raw use of the metric', () => {
    const verdict = assessQuery(usageOf('rate(x[5m]) > 10'), sumAway('x', 'pod'));
    expect(verdict).toMatchObject({ verdict: 'changed', reasons: [{ reason: expect.stringMatching(/every label/) }] });
  });

  it('changes a sum over a non-linear function or a filter', () => {
    expect(assessQuery(usageOf('sum(x > 5)'), sumAway('x', 'pod')).verdict).toBe('changed');
    expect(assessQuery(usageOf('sum(resets(x[1h]))'), sumAway('x', 'pod')).verdict).toBe('changed');
    expect(assessQuery(usageOf('sum(x * 2)'), sumAway('x', 'pod')).verdict).toBe('unchanged');
  });

  it('keeps sum without (pod) when pod is what is removed, and changes it for other labels', () => {
    expect(assessQuery(usageOf('sum without (pod) (x)'), sumAway('x', 'pod')).verdict).toBe('unchanged');
    expect(assessQuery(usageOf('sum without (pod) (x)'), sumAway('x', 'path')).verdict).toBe('changed');
  });

  it('judges a keep-list against the labels read, and against the snapshot when a query reads every label', () => {
    const keep = { kind: 'aggregate', metric: 'x', function: 'sum', keep: ['job', 'path'] } as const;
    expect(assessQuery(usageOf('sum by (job, path) (rate(x[5m]))'), keep).verdict).toBe('unchanged');
    expect(assessQuery(usageOf('sum by (code) (rate(x[5m]))'), keep).verdict).toBe('changed');
    expect(assessQuery(usageOf('x'), keep).verdict).toBe('changed');
    expect(assessQuery(usageOf('x'), { ...keep, labelsOnMetric: ['job', 'path'] }).verdict).toBe('unchanged');
    expect(assessQuery(usageOf('sum without (pod) (x)'), keep).verdict).toBe('unknown');
  });

  it('changes every query that reads a dropped metric, and ignores queries of other metrics', () => {
    expect(assessQuery(usageOf('sum(rate(x[5m])) / sum(rate(y[5m]))'), { kind: 'drop-metric', metric: 'y' })).toMatchObject({
      verdict: 'changed',
      reasons: [{ metric: 'y' }],
    });
    expect(assessQuery(usageOf('sum(rate(x[5m]))'), { kind: 'drop-metric', metric: 'y' })).toEqual({ verdict: 'unchanged', caveats: [] });
  });

  it('judges labels deleted without merging only by whether the query reads them', () => {
    expect(assessQuery(usageOf('sum by (k8s_pod_name) (x)'), { kind: 'drop-labels', metric: 'x', labels: ['k8s_pod_uid'] }).verdict).toBe('unchanged');
    expect(assessQuery(usageOf('x'), { kind: 'drop-labels', metric: 'x', labels: ['k8s_pod_uid'] }).verdict).toBe('changed');
  });

  it('matches __name__ regexes and is unknown for selectors without a name', () => {
    expect(assessQuery(usageOf('sum({__name__=~"http_.*"})'), { kind: 'drop-metric', metric: 'http_x' }).verdict).toBe('changed');
    expect(assessQuery(usageOf('sum({__name__=~"grpc_.*"})'), { kind: 'drop-metric', metric: 'http_x' }).verdict).toBe('unchanged');
    expect(assessQuery(usageOf('sum({job="api"})'), { kind: 'drop-metric', metric: 'http_x' }).verdict).toBe('unknown');
  });

  it('keeps a one-to-one match on labels that are kept', () => {
    expect(assessQuery(usageOf('x / on (job) y'), sumAway('y', 'pod')).verdict).toBe('unchanged');
  });
});

describe('findLosslessAggregation', () => {
  const labels = ['job', 'instance', 'route', 'code', 'pod', 'user_id'];

  it('keeps what the queries read and sums the rest when every query tolerates sum', () => {
    const result = findLosslessAggregation([usageOf('sum by (route) (rate(x[5m]))'), usageOf('sum(rate(x{code=~"5.."}[5m]))')], 'x', labels);
    expect(result).toMatchObject({
      possible: true,
      keep: ['job', 'instance', 'route', 'code'],
      remove: ['pod', 'user_id'],
      function: 'sum',
      caveats: [COUNTER_RESET_CAVEAT],
    });
  });

  it('falls back to max when a query takes the max', () => {
    expect(findLosslessAggregation([usageOf('max by (route) (x)')], 'x', labels)).toMatchObject({ possible: true, function: 'max' });
  });

  it('refuses when one query needs sum and another max', () => {
    const result = findLosslessAggregation([usageOf('max by (route) (x)'), usageOf('sum by (route) (x)')], 'x', labels);
    expect(result).toMatchObject({ possible: false, reason: expect.stringMatching(/no merge function/) });
  });

  it('refuses a metric read raw', () => {
    expect(findLosslessAggregation([usageOf('x > 3')], 'x', labels)).toMatchObject({ possible: false, reason: expect.stringMatching(/every label/) });
  });

  it('keeps every label but the without labels', () => {
    expect(findLosslessAggregation([usageOf('sum without (user_id) (x)')], 'x', labels)).toMatchObject({ possible: true, remove: ['user_id'] });
  });
});

describe('assessQuery: count of groups (snmp mixin, ALERTS)', () => {
  // snmp-fleet dashboard: how many alerts fire per device
  const fleet =
    'count by (instance,job)(\n  count by (job,instance,alertname) (max_over_time(ALERTS{alertstate="firing", severity="warning"}[5m]))\n' +
    '  * on(job,instance) group_left group by (job,instance) (sysUpTime)\n)';

  it('keeps a count of inner groups when the merge keeps the inner grouping', () => {
    expect(assessQuery(usageOf(fleet), sumAway('ALERTS', 'pod')).verdict).toBe('unchanged');
    expect(assessQuery(usageOf('group by (job) (avg by (job, device) (x))'), sumAway('x', 'pod')).verdict).toBe('unchanged');
  });

  it('changes the inner count read on its own, a count after a filter, and a count of topk', () => {
    expect(assessQuery(usageOf('count by (job,instance,alertname) (max_over_time(ALERTS{alertstate="firing"}[5m]))'), sumAway('ALERTS', 'pod')).verdict).toBe(
      'changed',
    );
    expect(assessQuery(usageOf('count(count by (job) (x > 5))'), sumAway('x', 'pod')).verdict).not.toBe('unchanged');
    expect(assessQuery(usageOf('count(topk by (job) (2, x))'), sumAway('x', 'pod')).verdict).toBe('changed');
    expect(assessQuery(usageOf('sum(count by (job) (x))'), sumAway('x', 'pod')).verdict).toBe('changed');
    expect(assessQuery(usageOf('count(count by (job) (x) > 3)'), sumAway('x', 'pod')).verdict).toBe('changed');
  });

  it('changes the count when the merge removes a label of the inner grouping', () => {
    expect(assessQuery(usageOf(fleet), sumAway('ALERTS', 'alertname')).verdict).toBe('changed');
  });
});
