import type { ObjectChange, ReviewReport } from './types';

/**
 * The review as plain text for a terminal or a log (`phoenix review --format text`): the same
 * sections as the markdown the bot posts, in the layout of `phoenix check`'s text report — one
 * `file:line` per finding and change, diffs indented below their object.
 */
export function renderReviewText(report: ReviewReport): string {
  const s = report.summary;
  const lines: string[] = [];
  lines.push(`phoenix review: ${report.base.ref} (${short(report.base.commit)}) → ${report.head.ref} (${short(report.head.commit)})`);
  const experiments = s.changedExperiments.length > 0 ? `; experiments: ${s.changedExperiments.join(', ')}` : '';
  lines.push(`${s.added} added, ${s.changed} changed, ${s.removed} removed${experiments}`);

  section(lines, 'Policy findings on head');
  if (report.findings.length === 0) lines.push('  none');
  for (const f of report.findings) {
    lines.push(`  ${f.file}:${f.line}${f.column === undefined ? '' : `:${f.column}`} ${f.severity} ${f.ruleId}: ${oneLine(f.message)}`);
    if (f.fix) lines.push(`    fix: ${oneLine(f.fix)}`);
  }
  if (report.waived.length > 0) {
    section(lines, `Waived findings relied on (${report.waived.length})`);
    for (const w of report.waived) {
      const field = w.pointer ? ` ${w.pointer}` : '';
      lines.push(`  ${w.file}:${w.line} ${w.severity} ${w.ruleId} on ${w.object}${field}: ${oneLine(w.message)}`);
      lines.push(`    waived by ${w.waiver.file}:${w.waiver.line} (${w.waiver.owner}, until ${w.waiver.expires}): ${oneLine(w.waiver.reason)}`);
    }
  }

  section(lines, 'Estimated cost change');
  if (!report.cost) lines.push(`  not estimated: ${report.costUnavailable ?? 'no cost source'}`);
  else if (report.cost.length === 0) lines.push('  no experiment changes cost');
  for (const c of report.cost ?? []) {
    const before = `${c.monthlyBefore ?? '-'} ${c.currency}`;
    const after = `${c.monthlyAfter ?? '-'} ${c.currency}`;
    lines.push(`  ${c.environment}/${c.experiment}: ${before} → ${after} per month (${c.monthlyDelta} ${c.currency}; ${c.source})`);
  }

  section(lines, 'Guardrails at risk');
  const unaffected = report.guardrailsUnaffected ?? [];
  if (report.guardrails.length === 0 && unaffected.length === 0) lines.push('  none found');
  for (const g of report.guardrails) lines.push(`  ${g.verdict} ${g.environment}/${g.experiment} '${oneLine(g.guardrail)}': ${oneLine(g.reason)}`);
  for (const u of unaffected) lines.push(`  unaffected ${u.environment}/${u.experiment}: ${u.count} (every candidate keeps their answers)`);

  section(lines, 'Changes per environment');
  if (report.environments.length === 0) lines.push('  the gitops/ tree is unchanged: no cluster gets anything new');
  for (const env of report.environments) {
    lines.push(`  ${env.environment}: ${env.added.length} added, ${env.changed.length} changed, ${env.removed.length} removed`);
    for (const change of [...env.added, ...env.changed, ...env.removed]) lines.push(...renderChange(change));
  }
  return `${lines.join('\n')}\n`;
}

function section(lines: string[], title: string): void {
  lines.push('', title);
}

function renderChange(change: ObjectChange): string[] {
  const head = `    ${change.change} ${change.key}  ${change.file}:${change.line}`;
  const diff = change.diff ? change.diff.split('\n').map((line) => `      ${line}`) : [];
  return [head, ...diff];
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, ' ');
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
