import type { Decision, WindowResult } from '../../../analysis/decide/types';
import { freezeSaving } from './apply-proposal';
import type { Proposal } from './proposal';

/** Hidden marker in every Phoenix proposal body; lets people and tools tell them apart. */
export const PROPOSAL_MARKER = '<!-- phoenix-proposal -->';

/** Labels a proposal carries. */
export function proposalLabels(proposal: Proposal): string[] {
  return ['phoenix', `phoenix/${proposal.action}`, `env/${proposal.environment}`];
}

/** Title with the measured saving, e.g. "promote drop-pod-labels in prod: −63% series, −1,240.00 USD/month". */
export function proposalTitle(proposal: Proposal): string {
  const subject = `${proposal.action} ${proposal.variant ? `${proposal.experiment}/${proposal.variant}` : proposal.experiment} in ${proposal.environment}`;
  const saving = proposal.decision && proposal.action === 'promote' ? freezeSaving(proposal.decision) : undefined;
  if (!saving || saving.seriesBefore === 0) return subject;
  const percent = Math.round(((saving.seriesBefore - saving.seriesAfter) / saving.seriesBefore) * 100);
  const money = Number(saving.monthlySaving).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${subject}: −${percent}% series, −${money} ${saving.currency}/month`;
}

/** Options for the body. */
export interface ProposalBodyOptions {
  /** Repo-relative path of the decision record. */
  readonly recordPath: string;
  /** True when the re-synthesized tree is not in the commit (the config repo's lockfile differs). */
  readonly treeNotResynthesized?: boolean;
  /** Base URL to link queries to (a Prometheus or Grafana explore URL taking `?g0.expr=`). @default - no links */
  readonly queryLinkBase?: string;
}

/** The pull request body: why, the evidence table, a cost-per-window chart and the resolved queries. */
export function proposalBody(proposal: Proposal, options: ProposalBodyOptions): string {
  const lines: string[] = [
    PROPOSAL_MARKER,
    '',
    `**${proposal.action}** \`${proposal.experiment}\`${proposal.variant ? ` (variant \`${proposal.variant}\`)` : ''} in **${proposal.environment}**, decided by ${proposal.decidedBy} at ${proposal.decidedAt}.`,
    '',
    `> ${proposal.reason}`,
    '',
  ];
  if (options.treeNotResynthesized) {
    lines.push(
      '> [!WARNING]',
      "> The config repository's `package-lock.json` differs from the watcher's installation, so this commit holds the state change and decision record only. CI must re-synthesize the tree (`npm run synth`) before merging.",
      '',
    );
  }
  const decision = proposal.decision;
  if (decision) {
    lines.push(...evidenceTable(decision), '', ...costChart(decision), '', ...queryList(decision, options.queryLinkBase));
  }
  lines.push(
    '',
    `Decision record: \`${options.recordPath}\`. Merging this pull request is the ${proposal.action}; closing it leaves the environment as it is.`,
  );
  return lines.join('\n');
}

function evidenceTable(decision: Decision): string[] {
  const rows = decision.windows.map((w) => {
    const failing = w.checks.filter((c) => c.verdict !== 'pass').map((c) => `${c.kind} ${c.id}: ${c.detail}`);
    return `| ${iso(w.start)} – ${iso(w.end)} | ${w.verdict} | ${w.baselineCost?.activeSeries ?? '–'} | ${w.candidateCost?.activeSeries ?? '–'} | ${w.savingPercent === null ? '–' : `${w.savingPercent.toFixed(1)}%`} | ${escapeCell(failing.join('; ') || 'all checks pass')} |`;
  });
  const t = decision.evidence.thresholds;
  return [
    '### Evidence',
    '',
    `Verdict **${decision.verdict}**, standing **${decision.standing}**. Thresholds: ${t.consecutivePasses} consecutive passing windows of ${t.windowMinutes} min to promote, ${t.failureLimit} hard failures to roll back, saving ≥ ${t.minSavingsPercent}%, warm-up ${t.warmUpMinutes} min; bytes estimated at ${t.bytesPerSampleEstimate} B/sample.`,
    '',
    '| window (UTC) | verdict | baseline series | candidate series | saving | checks |',
    '|---|---|---:|---:|---:|---|',
    ...rows,
  ];
}

function costChart(decision: Decision): string[] {
  const windows = decision.windows.filter((w) => w.baselineCost && w.candidateCost);
  if (windows.length < 2) return [];
  const labels = windows.map((w) => `"${iso(w.end).slice(11, 16)}"`).join(', ');
  const cost = (w: WindowResult, which: 'baselineCost' | 'candidateCost') => Number(w[which]!.monthlyCost).toFixed(2);
  const max = Math.max(...windows.flatMap((w) => [Number(w.baselineCost!.monthlyCost), Number(w.candidateCost!.monthlyCost)]));
  return [
    '### Cost per window',
    '',
    '```mermaid',
    'xychart-beta',
    `    title "Monthly cost per window (${decision.evidence.thresholds.currency}); first line baseline, second ${decision.variant}"`,
    `    x-axis [${labels}]`,
    `    y-axis "${decision.evidence.thresholds.currency} / month" 0 --> ${Math.ceil(max * 1.1) || 1}`,
    `    line [${windows.map((w) => cost(w, 'baselineCost')).join(', ')}]`,
    `    line [${windows.map((w) => cost(w, 'candidateCost')).join(', ')}]`,
    '```',
  ];
}

function queryList(decision: Decision, linkBase?: string): string[] {
  if (decision.evidence.queries.length === 0) return [];
  const items = decision.evidence.queries.map((q) =>
    linkBase ? `- [\`${escapeCell(q)}\`](${linkBase}?g0.expr=${encodeURIComponent(q)})` : `- \`${escapeCell(q)}\``,
  );
  return ['<details><summary>Resolved queries</summary>', '', ...items, '', '</details>'];
}

function iso(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/`/g, 'ˋ').replace(/\n/g, ' ');
}
