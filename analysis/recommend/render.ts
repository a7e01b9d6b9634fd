import type { MetricRecommendation, RecommendationReport } from './types';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (n: number) => `${n.toFixed(1)}%`;

function change(m: MetricRecommendation): string {
  if (!m.recommended) return 'untouched';
  if (m.action === 'drop') return 'drop';
  return `keep [${m.keep.join(', ')}], ${m.function} over [${m.remove.join(', ')}]${m.deltaConversion ? ' (as deltas)' : m.type === 'counter' ? ' (as cumulative values)' : ''}`;
}

function queryList(m: MetricRecommendation): string {
  return m.queries.length === 0 ? '—' : m.queries.map((q) => q.where).join(', ');
}

/** The ranked table and the evidence per metric, as plain text. */
export function renderRecommendationText(report: RecommendationReport): string {
  const rows = report.metrics.map((m) => [
    m.metric,
    fmt(m.seriesBefore),
    fmt(m.seriesAfter),
    m.costBefore.format(),
    m.costAfter.format(),
    m.saving.format(),
    change(m),
    String(m.queries.length),
  ]);
  const header = ['metric', 'series before', 'after', 'per month before', 'after', 'saving', 'change', 'queries'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  out.push(
    `series ${fmt(report.seriesBefore)} → ${fmt(report.seriesAfter)} (−${pct(report.savingPercent)}), ` +
      `${report.costBefore.format()} → ${report.costAfter.format()} per month (saving ${report.saving.format()}), ` +
      `${report.queriesAnalysed} queries analysed`,
    '',
    line(header),
    ...rows.map(line),
  );
  const detailed = report.metrics;
  if (detailed.length > 0) out.push('');
  for (const m of detailed) {
    out.push(`${m.metric}: ${m.reason}`);
    for (const c of m.caveats) out.push(`  caveat: ${c}`);
    for (const q of m.queries) out.push(`  read by ${q.where}${q.name ? ` (${q.name})` : ''}: ${q.expr.replace(/\s*\n\s*/g, ' ')}`);
  }
  if (report.problems.length > 0) {
    out.push('', `not analysed (the metrics they name are left untouched):`);
    for (const p of report.problems) out.push(`  ${p}`);
  }
  return `${out.join('\n')}\n`;
}

/** The ranked table as a GitHub-flavoured markdown document. */
export function renderRecommendationMarkdown(report: RecommendationReport): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const out = [
    '## Lossless reductions',
    '',
    `Series **${fmt(report.seriesBefore)} → ${fmt(report.seriesAfter)}** (−${pct(report.savingPercent)}), ` +
      `${report.costBefore.format()} → ${report.costAfter.format()} per month, saving **${report.saving.format()}**; ${report.queriesAnalysed} queries analysed.`,
    '',
    '| metric | series before | after | per month before | after | saving | change | queries |',
    '|---|---:|---:|---:|---:|---:|---|---|',
    ...report.metrics.map(
      (m) =>
        `| \`${m.metric}\` | ${fmt(m.seriesBefore)} | ${fmt(m.seriesAfter)} | ${m.costBefore.format()} | ${m.costAfter.format()} | ${m.saving.format()} | ${cell(change(m))} | ${cell(queryList(m))} |`,
    ),
  ];
  const caveats = report.metrics.filter((m) => m.caveats.length > 0 || !m.recommended);
  if (caveats.length > 0) {
    out.push('', '### Why', '');
    for (const m of caveats) out.push(`- \`${m.metric}\`: ${cell(m.reason)}${m.caveats.map((c) => ` — caveat: ${c}`).join('')}`);
  }
  if (report.problems.length > 0) {
    out.push('', '### Not analysed (their metrics are left untouched)', '');
    for (const p of report.problems) out.push(`- ${cell(p)}`);
  }
  return `${out.join('\n')}\n`;
}

/** The report as JSON (money as decimal strings). */
export function renderRecommendationJson(report: RecommendationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
