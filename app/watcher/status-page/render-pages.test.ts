import { describe, expect, it } from 'vitest';
import { renderExperimentPage, renderOverviewPage } from './render-pages';
import type { ExperimentView, StatusView } from './view-model';

function experiment(overrides: Partial<ExperimentView> = {}): ExperimentView {
  return {
    name: 'drop-pod-labels',
    environment: 'dev',
    phase: 'running',
    verdict: 'pass',
    variants: [
      { name: 'baseline', activeSeries: 12000, samplesPerMinute: 12000, monthlyCost: '78.00', currency: 'USD' },
      { name: 'no-pod', activeSeries: 1200, samplesPerMinute: 1200, monthlyCost: '7.80', currency: 'USD', seriesSavingPercent: 90, monthlySaving: '70.20' },
    ],
    pullRequest: { url: 'https://github.example/o/r/pull/7', state: 'open', title: 'promote no-pod in dev' },
    costHistory: [
      { time: 1_700_000_000_000, variant: 'baseline', activeSeries: 12000 },
      { time: 1_700_000_600_000, variant: 'baseline', activeSeries: 12100 },
      { time: 1_700_000_000_000, variant: 'no-pod', activeSeries: 1200 },
      { time: 1_700_000_600_000, variant: 'no-pod', activeSeries: 1190 },
    ],
    guardrails: [
      {
        name: 'p99 latency',
        query: 'histogram_quantile(0.99, sum by (le) (rate(x_bucket{a="<b>"}[5m])))',
        verdict: 'pass',
        values: [
          { variant: 'baseline', value: 0.25 },
          { variant: 'no-pod', value: 0.25 },
        ],
      },
    ],
    health: [{ signal: 'dropped points', values: [{ variant: 'baseline', value: 0 }, { variant: 'no-pod' }], verdict: 'pass' }],
    decisions: [
      { time: '2026-11-25T10:00:00Z', action: 'none', verdict: 'pass', recordUrl: 'https://github.example/o/r/blob/main/experiments/decisions/x.md' },
    ],
    ...overrides,
  };
}

describe('status page rendering', () => {
  it('shows each experiment with verdict, saving and pull request on the overview', () => {
    const view: StatusView = {
      generatedAt: '2026-11-25T12:00:00Z',
      environments: [{ name: 'dev', experiments: [experiment()] }],
      promotedSavings: [{ amount: '1240.50', currency: 'USD' }],
    };
    const page = renderOverviewPage(view);
    expect(page).toContain('<a href="experiments/dev/drop-pod-labels">drop-pod-labels</a>');
    expect(page).toContain('90.0% (no-pod)');
    expect(page).toContain('70.20 USD');
    expect(page).toContain('href="https://github.example/o/r/pull/7"');
    expect(page).toContain('1,240.50 USD');
  });

  it('renders names and queries from experiments as text, never as markup', () => {
    const hostile = experiment({ name: '<script>alert(1)</script>', reason: '"><img src=x onerror=alert(1)>' });
    const page = renderExperimentPage(hostile, '2026-11-25T12:00:00Z');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('a=&quot;&lt;b&gt;&quot;');
  });

  it('draws one chart line per variant, with an accessible title', () => {
    const page = renderExperimentPage(experiment(), '2026-11-25T12:00:00Z');
    expect(page.match(/<g class="series"/g)).toHaveLength(2);
    expect(page).toMatch(/<svg[^>]+role="img"[^>]+aria-labelledby=/);
    expect(page).toContain('data-series="no-pod"');
  });

  it('says so when there is nothing to draw yet', () => {
    const page = renderExperimentPage(experiment({ costHistory: [], guardrails: [], decisions: [] }), '2026-11-25T12:00:00Z');
    expect(page).toContain('No measurements yet.');
    expect(page).toContain('No guardrail evaluated yet.');
    expect(page).not.toContain('<svg');
  });

  it('shows absent guardrail values as absent', () => {
    const page = renderExperimentPage(experiment(), '2026-11-25T12:00:00Z');
    expect(page).toMatch(/<td class="num" data-label="no-pod">absent<\/td>/);
  });
});
