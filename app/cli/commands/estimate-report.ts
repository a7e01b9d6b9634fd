import type { ExperimentEstimate, GuardrailVerdict, VariantEstimate } from '../../../analysis/cost';

/** What `phoenix estimate` reports: the inputs it used and one estimate per experiment. */
export interface EstimateReport {
  readonly environment: string;
  readonly snapshot: { readonly source: string; readonly series: number; readonly takenAt?: string };
  readonly bytesPerSample: number;
  readonly estimates: readonly ExperimentEstimate[];
}

const ASSUMPTIONS =
  'samples/min and bytes are estimates: one sample per series per scrape interval, bytes at a fixed bytes-per-sample figure; ' +
  'tiers are priced from the first series; the snapshot is taken as what the receivers deliver';

/** Plain text for a terminal. */
export function renderEstimateText(report: EstimateReport): string {
  const lines: string[] = [];
  lines.push(`environment ${report.environment} · snapshot ${report.snapshot.source} (${int(report.snapshot.series)} series)`);
  for (const estimate of report.estimates) {
    lines.push('');
    lines.push(`experiment ${estimate.experiment}${estimate.priceSource ? ` · prices: ${estimate.priceSource}` : ''}`);
    lines.push(
      `  baseline (scope): ${int(estimate.baseline.usage.series)} series, ${num(estimate.baseline.usage.samplesPerMinute)} samples/min (est.), ${estimate.baseline.cost.total.format()}/month`,
    );
    for (const c of estimate.candidates) {
      lines.push(
        `  candidate ${c.variant}: ${int(c.before.series)} → ${int(c.after.series)} series, ${num(c.before.samplesPerMinute)} → ${num(c.after.samplesPerMinute)} samples/min (est.), ${c.costBefore.total.format()} → ${c.costAfter.total.format()}/month, saving ${c.saving.format()} (${c.savingPercent}%)`,
      );
      if (c.collisions > 0) lines.push(`    ! ${c.collisions} output series written by several inputs without aggregation (data corruption)`);
      for (const g of c.guardrails)
        lines.push(`    ${mark(g.verdict)} ${g.verdict.status.padEnd(9)} ${g.guardrail.source ?? g.guardrail.query}${detail(g.verdict)}`);
      for (const n of c.notes) lines.push(`    note ${n.processor}: ${n.message}`);
    }
    lines.push(
      `  shadow cost while running: ${estimate.shadowCost.format()}/month (baseline copy + ${estimate.candidates.length} candidate${estimate.candidates.length === 1 ? '' : 's'})`,
    );
  }
  lines.push('');
  lines.push(`(${ASSUMPTIONS}; ${report.bytesPerSample} bytes/sample)`);
  return `${lines.join('\n')}\n`;
}

/** GitHub-flavoured markdown, for pull request comments. */
export function renderEstimateMarkdown(report: EstimateReport): string {
  const out: string[] = [];
  out.push(`### Cost estimate — ${report.environment}`);
  out.push('');
  out.push(`Snapshot \`${report.snapshot.source}\` (${int(report.snapshot.series)} series).`);
  for (const estimate of report.estimates) {
    out.push('');
    out.push(`#### ${estimate.experiment}`);
    out.push('');
    out.push('| variant | series | samples/min (est.) | cost / month | saving | guardrails |');
    out.push('|---|---:|---:|---:|---:|---|');
    out.push(
      `| baseline | ${int(estimate.baseline.usage.series)} | ${num(estimate.baseline.usage.samplesPerMinute)} | ${estimate.baseline.cost.total.format()} | — | — |`,
    );
    for (const c of estimate.candidates) {
      out.push(
        `| ${c.variant} | ${int(c.after.series)} | ${num(c.after.samplesPerMinute)} | ${c.costAfter.total.format()} | ${c.saving.format()} (${c.savingPercent}%) | ${guardrailCounts(c)} |`,
      );
    }
    out.push('');
    out.push(`Shadow cost while it runs: **${estimate.shadowCost.format()}** / month.`);
    for (const c of estimate.candidates) {
      const notable = c.guardrails.filter((g) => g.verdict.status !== 'unchanged');
      if (notable.length === 0 && c.collisions === 0) continue;
      out.push('');
      out.push(`<details><summary>${c.variant}: ${notable.length} guardrail(s) changed or unknown</summary>`);
      out.push('');
      if (c.collisions > 0) out.push(`- :warning: ${c.collisions} output series written by several inputs without aggregation`);
      for (const g of notable)
        out.push(
          `- ${g.verdict.status === 'changed' ? ':x:' : ':grey_question:'} \`${escapeCode(g.guardrail.query)}\`${g.guardrail.source ? ` (${g.guardrail.source})` : ''}${detail(g.verdict)}`,
        );
      out.push('');
      out.push('</details>');
    }
    if (estimate.priceSource) out.push('', `Prices: ${estimate.priceSource}`);
  }
  out.push('', `<sub>${ASSUMPTIONS}; ${report.bytesPerSample} bytes/sample.</sub>`);
  return `${out.join('\n')}\n`;
}

/** JSON: money as exact decimal strings with their currency. */
export function renderEstimateJson(report: EstimateReport): string {
  const variant = (c: VariantEstimate) => ({
    variant: c.variant,
    seriesBefore: c.before.series,
    seriesAfter: c.after.series,
    samplesPerMinuteBefore: c.before.samplesPerMinute,
    samplesPerMinuteAfter: c.after.samplesPerMinute,
    bytesPerMonthBefore: c.before.bytesPerMonth,
    bytesPerMonthAfter: c.after.bytesPerMonth,
    estimated: true,
    costPerMonthBefore: c.costBefore.total,
    costPerMonthAfter: c.costAfter.total,
    savingPerMonth: c.saving,
    savingPercent: c.savingPercent,
    collisions: c.collisions,
    changes: c.changes,
    guardrails: c.guardrails.map((g) => ({ query: g.guardrail.query, source: g.guardrail.source, ...g.verdict })),
    notes: c.notes,
  });
  const body = {
    environment: report.environment,
    snapshot: report.snapshot,
    assumptions: { text: ASSUMPTIONS, bytesPerSample: report.bytesPerSample },
    experiments: report.estimates.map((e) => ({
      experiment: e.experiment,
      currency: e.currency,
      priceSource: e.priceSource,
      baseline: {
        series: e.baseline.usage.series,
        samplesPerMinute: e.baseline.usage.samplesPerMinute,
        costPerMonth: e.baseline.cost.total,
        notes: e.baseline.notes,
      },
      candidates: e.candidates.map(variant),
      shadowCostPerMonth: e.shadowCost,
    })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

function guardrailCounts(c: VariantEstimate): string {
  const count = (status: GuardrailVerdict['status']) => c.guardrails.filter((g) => g.verdict.status === status).length;
  return `${count('unchanged')} unchanged, ${count('changed')} changed, ${count('unknown')} unknown`;
}

function mark(verdict: GuardrailVerdict): string {
  return verdict.status === 'unchanged' ? '✓' : verdict.status === 'changed' ? '✗' : '?';
}

function detail(verdict: GuardrailVerdict): string {
  if (verdict.status === 'changed') {
    const what = [verdict.metric, verdict.label && `label ${verdict.label}`, verdict.function && `function ${verdict.function}`].filter(Boolean).join(', ');
    return ` — ${what}: ${verdict.why}`;
  }
  return verdict.why ? ` — ${verdict.why}` : '';
}

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function num(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

function escapeCode(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/`/g, "'").replace(/\|/g, '\\|');
}
