import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePromQL } from '../../analysis/promql';
import { DIALECT_CORPUS } from './corpus';

const promtool = spawnSync('promtool', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'phoenix-dialect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What Prometheus 2.42's parser says, through one `promtool check rules` run over all of them. */
function promtoolRejected(exprs: readonly string[]): Set<number> {
  const file = join(dir, 'rules.yaml');
  const rules = exprs.map((expr, i) => `  - record: r${i}\n    expr: ${JSON.stringify(expr)}\n`).join('');
  writeFileSync(file, `groups:\n- name: g\n  rules:\n${rules}`);
  const output = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  return new Set([...`${output.stdout}${output.stderr}`.matchAll(/rule (\d+), "r/g)].map((m) => Number(m[1]) - 1));
}

describe('parsePromQL agrees with Prometheus 2.42', () => {
  it.each(DIALECT_CORPUS)('%s → accepted: %s', (expr, accepted) => {
    // GIVEN an expression with the verdict recorded from promtool 2.42
    // WHEN Phoenix parses it
    const result = parsePromQL(expr);
    // THEN it accepts exactly what Prometheus accepts, with a reason otherwise
    expect(result.ok).toBe(accepted);
    if (!result.ok) expect(result.problems[0]!.message).not.toBe('');
  });

  it('the recorded verdicts are what the installed promtool says', () => {
    if (!promtool) throw new Error('promtool is not installed: apt-get install prometheus (bash .ci/run installs it)');
    // GIVEN the installed promtool (Debian's 2.42) WHEN every corpus expression is checked
    const corpus = DIALECT_CORPUS.filter(([expr]) => expr !== '');
    const rejected = promtoolRejected(corpus.map(([expr]) => expr));
    const disagreements = corpus.filter(([, accepted], i) => rejected.has(i) === accepted);
    // THEN the corpus is still true to Prometheus
    expect(disagreements).toEqual([]);
  });
});
