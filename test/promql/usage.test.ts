import { describe, expect, it } from 'vitest';
import { extractUsage, parsePromQL, summarizeUsage, type QueryUsage } from '../../analysis/promql';

function usageOf(query: string): QueryUsage {
  const parsed = parsePromQL(query);
  if (!parsed.ok) throw new Error(`test query does not parse: ${parsed.problems[0]!.message}`);
  return extractUsage(parsed.expr);
}

describe('extractUsage', () => {
  it('needs every label of a raw selector', () => {
    const [sel] = usageOf('up{job="api"}').selectors;
    expect(sel).toMatchObject({ metric: 'up', labels: { kind: 'all' }, matcherLabels: ['job'], reducingStep: -1 });
  });

  it('needs every label of a non-aggregated rate', () => {
    const [sel] = usageOf('rate(http_requests_total[5m]) > 1').selectors;
    expect(sel!.labels).toEqual({ kind: 'all' });
    expect(sel!.functions).toEqual(['rate']);
    expect(sel!.rangeSeconds).toBe(300);
  });

  it('needs the matchers and by labels under an aggregation, with the functions innermost first', () => {
    const [sel] = usageOf('sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))').selectors;
    expect(sel!.labels).toEqual({ kind: 'only', labels: ['code', 'job'] });
    expect(sel!.functions).toEqual(['rate', 'sum']);
    expect(sel!.reducingStep).toBe(1);
  });

  it('needs all but the without labels', () => {
    const [sel] = usageOf('sum without (pod, instance) (container_memory_working_set_bytes{namespace="shop"})').selectors;
    expect(sel!.labels).toEqual({ kind: 'all-but', labels: ['instance', 'pod'] });
  });

  it('keeps a without label that a matcher reads', () => {
    const [sel] = usageOf('sum without (pod) (x{pod!=""})').selectors;
    expect(sel!.labels).toEqual({ kind: 'all-but', labels: [] });
  });

  it('needs le under histogram_quantile and the label_replace sources', () => {
    expect(usageOf('histogram_quantile(0.9, sum by (le) (rate(d_bucket[5m])))').selectors[0]!.labels).toEqual({ kind: 'only', labels: ['le'] });
    const [sel] = usageOf('sum by (svc) (label_replace(up, "svc", "$1", "service", "(.*)"))').selectors;
    expect(sel!.labels).toEqual({ kind: 'only', labels: ['service', 'svc'] });
    const [joined] = usageOf('count by (id) (label_join(up, "id", "-", "ns", "pod"))').selectors;
    expect(joined!.labels).toEqual({ kind: 'only', labels: ['id', 'ns', 'pod'] });
  });

  it('treats topk as keeping the series, so every label counts', () => {
    const [sel] = usageOf('topk by (job) (3, rate(x[5m]))').selectors;
    expect(sel!.labels).toEqual({ kind: 'all' });
    expect(sel!.functions).toEqual(['rate', 'topk']);
  });

  it('reads the on and group_left labels of a matched vector, and reduces the one side to them', () => {
    const usage = usageOf('sum by (team) (rate(x[5m]) * on (instance) group_left (team) node_meta)');
    const [many, one] = usage.selectors;
    expect(many!.labels).toEqual({ kind: 'only', labels: ['instance', 'team'] });
    expect(one!.metric).toBe('node_meta');
    expect(one!.labels).toEqual({ kind: 'only', labels: ['instance', 'team'] });
    expect(one!.steps[0]).toMatchObject({ kind: 'binary', op: '*', side: 'rhs', other: 'vector' });
  });

  it('needs only the on labels of the right side of and', () => {
    const [lhs, rhs] = usageOf('up and on (job) (count by (job) (x) > 2)').selectors;
    expect(lhs!.labels).toEqual({ kind: 'all' });
    expect(rhs!.labels).toEqual({ kind: 'only', labels: ['job'] });
  });

  it('reads an absent() selector through its matchers only', () => {
    const [sel] = usageOf('absent(up{job="api"})').selectors;
    expect(sel!.labels).toEqual({ kind: 'only', labels: ['job'] });
  });

  it('follows subqueries', () => {
    const [sel] = usageOf('max_over_time(sum by (job) (rate(x[5m]))[1h:1m])').selectors;
    expect(sel!.functions).toEqual(['rate', 'sum', 'max_over_time']);
    expect(sel!.labels).toEqual({ kind: 'only', labels: ['job'] });
  });

  it('keeps selectors without a metric name, with their __name__ matchers', () => {
    const [sel] = usageOf('sum by (job) ({__name__=~"http_.*", job!=""})').selectors;
    expect(sel!.metric).toBeUndefined();
    expect(sel!.matchers.map((m) => m.name)).toEqual(['__name__', 'job']);
  });
});

describe('summarizeUsage', () => {
  it('unions the needs of every query per metric', () => {
    const summary = summarizeUsage([usageOf('sum by (job) (rate(x[5m]))'), usageOf('sum without (pod) (x)'), usageOf('max by (path) (y)')]);
    expect(summary.get('x')).toMatchObject({ labels: { kind: 'all-but', labels: ['pod'] }, functions: ['rate', 'sum'], selectorCount: 2 });
    expect(summary.get('y')).toMatchObject({ labels: { kind: 'only', labels: ['path'] }, functions: ['max'] });
  });

  it('needs every label once any query reads the metric raw', () => {
    const summary = summarizeUsage([usageOf('sum by (job) (x)'), usageOf('x > 5')]);
    expect(summary.get('x')!.labels).toEqual({ kind: 'all' });
  });
});
