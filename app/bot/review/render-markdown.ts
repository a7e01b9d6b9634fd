import type { ObjectChange, ReviewReport } from './types';

/**
 * The review as GitHub-flavoured markdown: verdict line, policy findings, cost, guardrails at risk,
 * then one collapsible section per environment with compact YAML diffs. `cutMarkdown` keeps a body
 * under GitHub's comment limit without breaking fences or `<details>` blocks.
 */

/** GitHub refuses comment bodies over 65,536 characters; stay clearly below. */
export const GITHUB_COMMENT_LIMIT = 65_000;

const SEVERITY_ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function fence(text: string): string {
  return text.replace(/```/g, '``\u200b`');
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

function renderChange(change: ObjectChange): string {
  const where = `${change.file}:${change.line}`;
  const body = change.diff ? `\n\`\`\`diff\n${fence(change.diff)}\n\`\`\`\n` : '\n';
  return `**${change.change}** \`${change.key}\` — \`${where}\`\n${body}`;
}

/** Renders the whole review. */
export function renderReviewMarkdown(report: ReviewReport): string {
  const s = report.summary;
  const verdict =
    s.errors > 0
      ? `❌ ${s.errors} error${s.errors === 1 ? '' : 's'}`
      : s.warnings > 0
        ? `⚠️ no errors, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}`
        : '✅ no findings';
  const lines: string[] = [];
  lines.push(`## Phoenix review — ${verdict}`);
  lines.push('');
  lines.push(
    `\`${report.base.ref}\` (${short(report.base.commit)}) → \`${report.head.ref}\` (${short(report.head.commit)}): ` +
      `${s.added} added, ${s.changed} changed, ${s.removed} removed` +
      (s.changedExperiments.length > 0 ? ` · experiments: ${s.changedExperiments.map((e) => `\`${e}\``).join(', ')}` : ''),
  );
  lines.push('');

  lines.push('### Policy findings on head');
  if (report.findings.length === 0) lines.push('', 'None.');
  else {
    lines.push('', '| | Rule | Where | Finding | Fix |', '|---|---|---|---|---|');
    for (const f of report.findings)
      lines.push(`| ${SEVERITY_ICON[f.severity]} | \`${f.ruleId}\` | \`${cell(f.file)}:${f.line}\` | ${cell(f.message)} | ${cell(f.fix ?? '')} |`);
  }
  lines.push('');
  if (report.waived.length > 0) {
    lines.push(`### Waived findings relied on (${report.waived.length})`);
    lines.push('', '| | Rule | Object | Field | Where | Waiver |', '|---|---|---|---|---|---|');
    for (const w of report.waived) {
      const waiver = `${cell(w.waiver.reason)} (${cell(w.waiver.owner)}, until ${w.waiver.expires}; \`${cell(w.waiver.file)}:${w.waiver.line}\`)`;
      lines.push(
        `| ${SEVERITY_ICON[w.severity]} | \`${w.ruleId}\` | ${cell(w.object)} | ${w.pointer ? `\`${cell(w.pointer)}\`` : '—'} | \`${cell(w.file)}:${w.line}\` | ${waiver} |`,
      );
    }
    lines.push('');
  }

  lines.push('### Estimated cost change');
  if (!report.cost) lines.push('', `Not estimated: ${report.costUnavailable ?? 'no cost source'}.`);
  else if (report.cost.length === 0) lines.push('', 'No experiment changes cost.');
  else {
    lines.push('', '| Environment | Experiment | Before / month | After / month | Change | Source |', '|---|---|---:|---:|---:|---|');
    for (const c of report.cost) {
      lines.push(
        `| ${c.environment} | \`${c.experiment}\` | ${c.monthlyBefore ?? '—'} ${c.currency} | ${c.monthlyAfter ?? '—'} ${c.currency} | **${c.monthlyDelta} ${c.currency}** | ${cell(c.source)} |`,
      );
    }
  }
  lines.push('');

  lines.push('### Guardrails at risk');
  const unaffected = report.guardrailsUnaffected ?? [];
  if (report.guardrails.length === 0 && unaffected.length === 0) lines.push('', 'None found.');
  for (const [verdict, title] of [
    ['broken', 'Broken'],
    ['possibly-changed', 'Possibly changed'],
  ] as const) {
    const listed = report.guardrails.filter((g) => g.verdict === verdict);
    if (listed.length === 0) continue;
    lines.push('', `**${title}** (${listed.length})`, '');
    for (const g of listed) lines.push(`- **${g.environment}/${g.experiment}** \`${cell(g.guardrail)}\`: ${g.reason}`);
  }
  if (unaffected.length > 0) {
    lines.push(
      '',
      `**Unaffected**: ${unaffected.map((u) => `${u.count} of ${u.environment}/${u.experiment}`).join(', ')} — the change touches what they read, and every candidate keeps their answers.`,
    );
  }
  lines.push('');

  lines.push('### Changes per environment');
  if (report.environments.length === 0) lines.push('', 'The `gitops/` tree is unchanged: no cluster gets anything new.');
  for (const env of report.environments) {
    lines.push(
      '',
      `<details><summary><b>${env.environment}</b>: ${env.added.length} added, ${env.changed.length} changed, ${env.removed.length} removed</summary>`,
      '',
    );
    for (const change of [...env.added, ...env.changed, ...env.removed]) lines.push(renderChange(change));
    lines.push('</details>');
  }
  lines.push('');
  return lines.join('\n');
}

/**
 * Cuts `markdown` to at most `limit` characters at a line boundary, closes an open code fence and
 * open `<details>`, and appends `footer` (e.g. a pointer to the full report in the check run).
 */
export function cutMarkdown(markdown: string, limit: number, footer: string): string {
  if (markdown.length <= limit) return markdown;
  const budget = limit - footer.length - 64;
  let kept = markdown.slice(0, Math.max(budget, 0));
  const newline = kept.lastIndexOf('\n');
  if (newline > 0) kept = kept.slice(0, newline);
  const fences = kept.split('\n').filter((line) => line.startsWith('```')).length;
  if (fences % 2 === 1) kept += '\n```';
  const open = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < open; i += 1) kept += '\n</details>';
  return `${kept}\n\n${footer}\n`;
}
