import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../app/cli/program';
import { runPhoenix } from '../support/run-phoenix';

const dir = mkdtempSync(join(tmpdir(), 'phoenix-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the real bash completes for the words typed so far (the last one is being typed). */
function complete(script: string, typed: string[]): string[] {
  const file = join(dir, 'phoenix.bash');
  writeFileSync(file, script);
  const words = typed.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
  const result = spawnSync(
    'bash',
    ['-c', `source '${file}'; COMP_WORDS=(${words}); COMP_CWORD=${typed.length - 1}; _phoenix_complete; printf '%s\\n' "\${COMPREPLY[@]}"`],
    { cwd: dir, encoding: 'utf8' },
  );
  if (result.error || result.status !== 0) throw new Error(`bash failed: ${result.error?.message ?? result.stderr}`);
  return result.stdout.split('\n').filter(Boolean).sort();
}

describe('phoenix completion', () => {
  it('completes commands, nested commands, options and option choices in a real bash', async () => {
    // GIVEN the bash script the CLI prints
    const { code, stdout } = await runPhoenix(['completion', 'bash']);
    expect(code).toBe(0);
    // WHEN bash completes partial command lines THEN the answers come from the command tree
    const commands = buildProgram().commands.map((c) => c.name());
    expect(complete(stdout, ['phoenix', ''])).toEqual(expect.arrayContaining(commands));
    expect(complete(stdout, ['phoenix', 'ch'])).toEqual(['check']);
    expect(complete(stdout, ['phoenix', 'experiment', ''])).toEqual(['abort', 'pause', 'resume', 'start']);
    expect(complete(stdout, ['phoenix', 'check', '--fo'])).toEqual(['--format']);
    expect(complete(stdout, ['phoenix', 'check', '--format', ''])).toEqual(['json', 'junit', 'markdown', 'sarif', 'text']);
    expect(complete(stdout, ['phoenix', 'check', '--fail-on', 'w'])).toEqual(['warning']);
    expect(complete(stdout, ['phoenix', 'completion', ''])).toEqual(['bash', 'zsh']);
    // hidden former spellings are not offered
    expect(complete(stdout, ['phoenix', 'check', '--mo'])).toEqual([]);
    // and a file name where no word is known
    writeFileSync(join(dir, 'rules.yaml'), '');
    expect(complete(stdout, ['phoenix', 'check', 'rul'])).toEqual(['rules.yaml']);
  });

  it('prints a zsh script that loads the same completion through bashcompinit', async () => {
    const { code, stdout } = await runPhoenix(['completion', 'zsh']);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('#compdef phoenix');
    expect(stdout).toMatch(/autoload -U \+X bashcompinit && bashcompinit\n/);
    expect(stdout).toContain((await runPhoenix(['completion', 'bash'])).stdout);
  });

  it('fails when the shell is not known', async () => {
    expect((await runPhoenix(['completion', 'fish'])).code).toBe(2);
  });
});
