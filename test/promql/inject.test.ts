import { describe, expect, it } from 'vitest';
import { injectLabelMatchers, injectVariant, parsePromQL } from '../../analysis/promql';

describe('injectVariant', () => {
  it.each([
    ['up', 'up{phoenix_experiment="e", phoenix_variant="v"}'],
    ['up{}', 'up{phoenix_experiment="e", phoenix_variant="v"}'],
    ['up{job="a",}', 'up{job="a", phoenix_experiment="e", phoenix_variant="v"}'],
    ['rate(x{a="{}"}[5m])', 'rate(x{a="{}", phoenix_experiment="e", phoenix_variant="v"}[5m])'],
    ['x{re=~"a{2,3}|}"} offset 5m', 'x{re=~"a{2,3}|}", phoenix_experiment="e", phoenix_variant="v"} offset 5m'],
    ['{__name__=~"http_.*"}', '{__name__=~"http_.*", phoenix_experiment="e", phoenix_variant="v"}'],
    ['label_replace(up, "dst", "{$1}", "src", "(.*)")', 'label_replace(up{phoenix_experiment="e", phoenix_variant="v"}, "dst", "{$1}", "src", "(.*)")'],
  ])('rewrites %s', (query, expected) => {
    expect(injectVariant(query, 'e', 'v')).toBe(expected);
  });

  it('reaches every selector of a compound query, and the result parses', () => {
    // GIVEN a query with several selectors, a subquery and vector matching
    const query = 'sum by (job) (rate(a[5m])) / on (job) group_left max_over_time(b{x=~"[{]"}[1h:1m]) and absent(c)';
    // WHEN the variant's matchers are injected
    const out = injectVariant(query, 'checkout', 'candidate-1');
    // THEN every selector carries both matchers and the result re-parses
    expect(out.match(/phoenix_variant="candidate-1"/g)).toHaveLength(3);
    expect(parsePromQL(out).ok).toBe(true);
  });

  it('escapes values', () => {
    expect(injectLabelMatchers('up', { phoenix_variant: 'a"b\\c' })).toBe('up{phoenix_variant="a\\"b\\\\c"}');
  });

  it('fails when the query already selects the variant', () => {
    expect(() => injectVariant('up{phoenix_variant="x"}', 'e', 'v')).toThrow(/already selects phoenix_variant/);
  });

  it('fails when the query does not parse', () => {
    expect(() => injectVariant('sum(rate(x[5m])', 'e', 'v')).toThrow(/cannot add matchers .*unexpected/);
  });
});
