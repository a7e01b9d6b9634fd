import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recommendReductions, type MetricRecommendation } from '../../analysis/recommend';
import { loadEnvironments } from '../../environments/load-environments';
import { corpusNames, generateCorpusSeries, readCorpus } from './corpus';

// docs/recommend-corpora.md lists, for every family of every real-world corpus that Phoenix leaves
// alone, the rule that stopped it and where. This test computes that list and compares it with the
// committed file, so the document stays true; PHOENIX_WRITE_DOCS=1 rewrites it.

const DOC = path.resolve(__dirname, '../../docs/recommend-corpora.md');

/** The rule, then where and why, from a recommendation's reason. */
function ruleOf(m: MetricRecommendation): { rule: string; detail: string } {
  const reason = m.reason;
  let match = /^read with every label at (\S+) \((.*)\)$/.exec(reason);
  if (match) return { rule: 'read with every label', detail: `${match[1]} (${match[2]})` };
  match = /^no merge function keeps every answer \((?:sum|max|min): (\S+): (.*?)(?:; (?:max|min): .*)?\)$/.exec(reason);
  if (match) return { rule: 'no merge function keeps every answer', detail: `${match[1]}: ${match[2]}` };
  match = /^(\S+) is read at (\S+) without rate\/increase\/irate \((.*?)\)/.exec(reason);
  if (match) return { rule: 'counter read without rate/increase/irate', detail: `${match[2]} (${match[3]})` };
  match = /^(\S+) is a gauge read with (\w+)\(\) at (\S+):/.exec(reason);
  if (match) return { rule: 'gauge read through rate/irate/increase/resets/changes', detail: `${match[3]} (${match[2]}())` };
  match = /^written by the recording rule at (\S+): /.exec(reason);
  if (match) return { rule: 'written by a recording rule', detail: match[1]! };
  match = /^a selector without a metric name at (\S+) may read it$/.exec(reason);
  if (match) return { rule: 'a selector without a metric name may read it', detail: match[1]! };
  return { rule: reason.replace(/ \(.*$/, ''), detail: '' };
}

function render(): string {
  const env = loadEnvironments()[0]!;
  const out = [
    '# Families Phoenix leaves alone on the real-world corpora',
    '',
    'Generated from `test/recommend/left-alone.test.ts` (`PHOENIX_WRITE_DOCS=1` rewrites it; the test fails when it',
    'is stale): for every metric family of the corpora in `test/fixtures/corpora` that `phoenix recommend`',
    'does not change, the rule that stopped it (docs/recommend.md, "What it recommends") and the first',
    'query that did, as `file:line:column`. Series are generated as docs/recommend.md describes.',
  ];
  for (const name of corpusNames()) {
    const read = readCorpus(name);
    const corpus = { ...read, ...generateCorpusSeries(read, [0, 60]) };
    const report = recommendReductions({
      series: corpus.series,
      families: corpus.families,
      queries: corpus.queries,
      unreadable: corpus.unreadable,
      problems: corpus.problems,
      priceModel: env.priceModel,
    });
    const alone = report.metrics.filter((m) => !m.recommended).sort((a, b) => (a.metric < b.metric ? -1 : 1));
    out.push(
      '',
      `## ${name}`,
      '',
      `${alone.length} of ${report.metrics.length} families left alone.`,
      '',
      '| family | rule | where (how it is read / why) |',
      '|---|---|---|',
    );
    for (const m of alone) {
      const { rule, detail } = ruleOf(m);
      out.push(`| \`${m.metric}\` | ${rule} | ${detail.replace(/\|/g, '\\|').replace(/\s+/g, ' ')} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

describe('docs/recommend-corpora.md', () => {
  it('lists every family left alone with the rule that stopped it, as the recommender decides today', () => {
    const expected = render();
    if (process.env.PHOENIX_WRITE_DOCS === '1') fs.writeFileSync(DOC, expected);
    const committed = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '';
    expect(committed, 'docs/recommend-corpora.md is stale: run PHOENIX_WRITE_DOCS=1 npx vitest run test/recommend/left-alone.test.ts').toBe(expected);
    // not vacuous: every corpus has families, and each listed family names its rule
    expect(expected.match(/^\| `/gm)!.length).toBeGreaterThan(100);
    expect(expected).not.toMatch(/^\| `[^`]+` \| {2}\|/m);
  });
});
