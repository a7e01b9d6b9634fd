import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressEnabled, startProgress, type ProgressStream } from '../../app/cli/progress';

const root = join(__dirname, '..', '..');

function stream(isTTY: boolean): ProgressStream & { text: string } {
  const s = { isTTY, text: '', write: (t: string) => ((s.text += t), true) };
  return s;
}

describe('progress on stderr', () => {
  it('shows each step on one rewritten line and clears it at the end, on a terminal', () => {
    const tty = stream(true);
    const progress = startProgress('synth', tty, {});
    progress.step('synthesizing');
    progress.step('writing');
    progress.done();
    progress.done();
    const clear = '\r\u001b[2K';
    expect(tty.text.split(clear)).toEqual([
      '',
      expect.stringMatching(/^phoenix synth: synthesizing \(\d+ s\)$/),
      expect.stringMatching(/^phoenix synth: writing \(\d+ s\)$/),
      '',
    ]);
  });

  it.each([
    ['stderr is not a terminal', false, {}],
    ['CI is set', true, { CI: 'true' }],
    ['PHOENIX_PROGRESS is 0', true, { PHOENIX_PROGRESS: '0' }],
  ])('is silent when %s', (_, isTTY, env) => {
    const s = stream(isTTY);
    expect(progressEnabled(s, env)).toBe(false);
    const progress = startProgress('diff', s, env);
    progress.step('synthesizing');
    progress.done();
    expect(s.text).toBe('');
  });

  it('reaches a real terminal from phoenix synth, and never a pipe', () => {
    // GIVEN the real CLI WHEN run under a pseudo-terminal (util-linux `script`) and through a pipe
    const env = { ...process.env };
    delete env.CI;
    delete env.PHOENIX_PROGRESS;
    const command = `${join(root, 'node_modules', '.bin', 'tsx')} app/cli/index.ts synth --check`;
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: root, env, encoding: 'utf8' });
    if (tty.error) throw new Error(`util-linux 'script' is needed for this test: ${tty.error.message}`);
    const piped = spawnSync('bash', ['-c', command], { cwd: root, env, encoding: 'utf8' });
    // THEN the terminal sees the progress line, the pipe only the result
    expect(tty.stdout).toContain('phoenix synth: synthesizing and comparing with the tree on disk');
    expect(piped.stderr).not.toContain('phoenix synth:');
    expect(piped.stdout).toMatch(/is up to date/);
  });
});
