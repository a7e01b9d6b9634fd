import { describe, expect, it } from 'vitest';
import { alternationMatcher, compileMatcherRegex, parsePromQL, planPartitionedQuery, printPromQL } from '../../analysis/promql';
import { DIALECT_CORPUS } from './corpus';

const P = ['phoenix_experiment', 'phoenix_variant'];
const MATCHERS = 'phoenix_experiment=~"a|b", phoenix_variant=~"x|y"';

function render(query: string): string {
  const plan = planPartitionedQuery(query, P);
  if (!plan.ok) throw new Error(plan.reason);
  return plan.render(MATCHERS);
}

describe('printPromQL', () => {
  it.each(DIALECT_CORPUS.filter(([, ok]) => ok).map(([query]) => query))('prints %s as a query that parses back to the same text', (query) => {
    // GIVEN a query Prometheus 2.42 accepts
    const parsed = parsePromQL(query);
    if (!parsed.ok) throw new Error(parsed.problems[0]!.message);
    // WHEN printed and parsed again
    const printed = printPromQL(parsed.expr);
    const again = parsePromQL(printed);
    // THEN it parses and printing is a fixpoint
    expect(again.ok, printed).toBe(true);
    if (again.ok) expect(printPromQL(again.expr)).toBe(printed);
  });

  it('keeps modifiers, subquery steps, bool and group modifiers', () => {
    const parsed = parsePromQL('max_over_time(rate(x{a="b"}[5m] offset 1m)[1h:1m] @ 100) > bool on (job) group_left (team) y');
    if (!parsed.ok) throw new Error('does not parse');
    expect(printPromQL(parsed.expr)).toBe(
      '(max_over_time((rate({__name__="x", a="b"}[5m] offset 1m))[1h:1m] @ 100)) > bool on (job) group_left (team) ({__name__="y"})',
    );
  });
});

describe('planPartitionedQuery', () => {
  it.each([
    ['sum(rate(x[5m]))', 'sum by (phoenix_experiment, phoenix_variant) (rate({__name__="x", phoenix_experiment=~"a|b", phoenix_variant=~"x|y"}[5m]))'],
    ['sum by (job) (x)', 'sum by (job, phoenix_experiment, phoenix_variant) ({__name__="x", phoenix_experiment=~"a|b", phoenix_variant=~"x|y"})'],
    ['sum by (phoenix_variant) (x)', 'sum by (phoenix_variant, phoenix_experiment) ({__name__="x", phoenix_experiment=~"a|b", phoenix_variant=~"x|y"})'],
    ['sum without (pod, phoenix_variant) (x)', 'sum without (pod) ({__name__="x", phoenix_experiment=~"a|b", phoenix_variant=~"x|y"})'],
    ['topk(3, x)', 'topk by (phoenix_experiment, phoenix_variant) (3, {__name__="x", phoenix_experiment=~"a|b", phoenix_variant=~"x|y"})'],
  ])('groups %s by the partition too', (query, expected) => {
    expect(render(query)).toBe(expected);
  });

  it.each([
    ['a / on (job) group_left (team, phoenix_variant) b', 'on (job, phoenix_experiment, phoenix_variant) group_left (team)'],
    ['a / on () b', 'on (phoenix_experiment, phoenix_variant)'],
    ['a / ignoring (code, phoenix_experiment) group_right b', 'ignoring (code) group_right ()'],
    ['a and on (job) b', 'and on (job, phoenix_experiment, phoenix_variant)'],
  ])('matches %s within a partition only', (query, clause) => {
    expect(render(query)).toContain(clause);
  });

  it('leaves matching on all labels alone: both sides carry the partition', () => {
    expect(render('sum(a) / sum(b)')).toBe(
      '(sum by (phoenix_experiment, phoenix_variant) ({__name__="a", phoenix_experiment=~"a|b", phoenix_variant=~"x|y"})) / (sum by (phoenix_experiment, phoenix_variant) ({__name__="b", phoenix_experiment=~"a|b", phoenix_variant=~"x|y"}))',
    );
  });

  it('renders a query that parses, for every batchable corpus query', () => {
    for (const [query, accepted] of DIALECT_CORPUS) {
      if (!accepted) continue;
      const plan = planPartitionedQuery(query, P);
      if (!plan.ok) continue;
      expect(parsePromQL(plan.render(MATCHERS)).ok, query).toBe(true);
    }
  });

  it.each([
    ['absent(x)', /absent\(\) answers once/],
    ['absent_over_time(x[5m])', /absent_over_time/],
    ['sum(x) or vector(0)', /vector\(\) yields a series without labels/],
    ['x * scalar(y)', /scalar\(\)/],
    ['hour()', /hour\(\) without an argument/],
    ['label_replace(x, "phoenix_variant", "$1", "a", "(.*)")', /writes the partition label phoenix_variant/],
    ['label_join(x, "phoenix_experiment", ",", "a")', /writes the partition label phoenix_experiment/],
    ['count_values("phoenix_variant", x)', /count_values\(\) writes the partition label/],
    ['x @ start()', /@ start\(\) depends on the range/],
    ['rate(x[5m] @ end())', /@ end\(\)/],
    ['1 + 1', /not an instant vector/],
    ['time()', /not an instant vector/],
    ['x{phoenix_variant="a"}', /already matches phoenix_variant/],
    ['sum(rate(x[5m])', /does not parse/],
  ])('fails when %s cannot be batched safely', (query, reason) => {
    const plan = planPartitionedQuery(query, P);
    expect(plan.ok).toBe(false);
    if (!plan.ok) expect(plan.reason).toMatch(reason);
  });

  it('refuses a selector that already matches another injected label', () => {
    const plan = planPartitionedQuery('x{cluster="a"}', P, ['cluster', ...P]);
    expect(plan).toMatchObject({ ok: false, reason: 'a selector already matches cluster' });
  });

  it('keeps label_replace and count_values that write other labels', () => {
    expect(render('label_replace(x, "dst", "$1", "phoenix_variant", "(.*)")')).toContain('"dst"');
    expect(render('count_values("v", x)')).toBe(
      'count_values by (phoenix_experiment, phoenix_variant) ("v", {__name__="x", phoenix_experiment=~"a|b", phoenix_variant=~"x|y"})',
    );
  });
});

describe('alternationMatcher', () => {
  it('matches exactly the given values, escaping regex syntax', () => {
    const matcher = alternationMatcher('phoenix_experiment', ['b.c', 'a+', 'a+', 'x|y']);
    const parsed = parsePromQL(`{${matcher}}`);
    if (!parsed.ok || parsed.expr.kind !== 'vector-selector') throw new Error('does not parse');
    const regex = compileMatcherRegex(parsed.expr.matchers[0]!.value).regex!;
    for (const value of ['b.c', 'a+', 'x|y']) expect(regex.test(value)).toBe(true);
    for (const value of ['bxc', 'aa', 'x', 'y', '']) expect(regex.test(value)).toBe(false);
  });
});
