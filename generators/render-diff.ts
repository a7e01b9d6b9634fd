import type { EnvironmentDiff, ObjectChange, TreeDiff } from './tree-diff';

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function objectLabel(change: ObjectChange): string {
  return `${change.kind} ${change.namespace ? `${change.namespace}/` : ''}${change.name}`;
}

function counts(env: EnvironmentDiff): string {
  return `${env.added.length} added, ${env.changed.length} changed, ${env.removed.length} removed`;
}

/** The diff as plain text for a terminal: one block per environment, changed objects with their YAML diff. */
export function renderDiffText(diff: TreeDiff): string {
  if (diff.environments.length === 0 && diff.unreadable.length === 0) return 'no differences\n';
  const lines: string[] = [];
  for (const env of diff.environments) {
    lines.push(`${env.environment}: ${counts(env)}`);
    for (const change of env.added) lines.push(`  + ${objectLabel(change)}  (${change.file})`);
    for (const change of env.changed) {
      lines.push(`  ~ ${objectLabel(change)}  (${change.file})`);
      for (const line of change.diff ?? []) lines.push(`      ${line}`);
    }
    for (const change of env.removed) lines.push(`  - ${objectLabel(change)}  (${change.file})`);
  }
  for (const entry of diff.unreadable) lines.push(`unreadable (${entry.side}): ${entry.file}: ${entry.message}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The diff as GitHub-flavoured markdown (a pull request comment): a summary table, then per
 * environment the added and removed objects and each changed object's diff in a collapsed block.
 */
export function renderDiffMarkdown(diff: TreeDiff): string {
  if (diff.environments.length === 0 && diff.unreadable.length === 0) return '_No differences in the synthesized manifests._\n';
  const out: string[] = ['| environment | added | changed | removed |', '|---|---:|---:|---:|'];
  for (const env of diff.environments) out.push(`| ${cell(env.environment)} | ${env.added.length} | ${env.changed.length} | ${env.removed.length} |`);
  for (const env of diff.environments) {
    out.push('', `### ${cell(env.environment)}`, '');
    for (const change of env.added) out.push(`- ➕ added \`${code(objectLabel(change))}\` (\`${code(change.file)}\`)`);
    for (const change of env.removed) out.push(`- ➖ removed \`${code(objectLabel(change))}\` (\`${code(change.file)}\`)`);
    for (const change of env.changed) {
      const body = (change.diff ?? []).join('\n');
      const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
      out.push(
        `<details><summary>changed <code>${html(objectLabel(change))}</code> (<code>${html(change.file)}</code>)</summary>`,
        '',
        `${fence}diff`,
        body,
        fence,
        '',
        '</details>',
      );
    }
  }
  if (diff.unreadable.length > 0) {
    out.push('', '### Unreadable files', '');
    for (const entry of diff.unreadable) out.push(`- ${entry.side}: \`${code(entry.file)}\`: ${cell(entry.message)}`);
  }
  return `${out.join('\n')}\n`;
}

/** The diff as JSON (stable field order), for tools. */
export function renderDiffJson(diff: TreeDiff): string {
  return `${JSON.stringify(diff, null, 2)}\n`;
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return text.replace(/`/g, "'");
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
