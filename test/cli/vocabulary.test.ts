import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../app/cli/program';

/** One name per idea across commands (ADR 0183); a former spelling is only a hidden alias. */
const FORMER_SPELLINGS = new Map([
  ['--series-snapshot', '--snapshot'],
  ['--experiments-dir', '--experiments'],
]);

function commandsOf(command: Command, path: string[] = []): Array<{ path: string; command: Command }> {
  return command.commands.flatMap((sub) => [{ path: [...path, sub.name()].join(' '), command: sub }, ...commandsOf(sub, [...path, sub.name()])]);
}

describe('one option vocabulary across commands', () => {
  const commands = commandsOf(buildProgram());

  it('prints text unless --format says otherwise, on every command that has formats', () => {
    const formats = commands.flatMap(({ path, command }) => command.options.filter((o) => o.long === '--format').map((o) => [path, o.defaultValue]));
    expect(formats.length).toBeGreaterThanOrEqual(6);
    expect(formats.filter(([, value]) => value !== 'text')).toEqual([]);
  });

  it('shows one spelling per idea: former spellings are hidden aliases of the current one', () => {
    const visibleFormer: string[] = [];
    const aliases: string[] = [];
    for (const { path, command } of commands) {
      for (const option of command.options) {
        const current = FORMER_SPELLINGS.get(option.long ?? '');
        const formerCheckMode = path === 'check' && option.long === '--mode';
        if (!current && !formerCheckMode) continue;
        if (!option.hidden) visibleFormer.push(`${path} ${option.long}`);
        const expected = formerCheckMode ? '--fail-on' : current;
        if (command.options.some((o) => o.long === expected && !o.hidden)) aliases.push(`${path} ${option.long} → ${expected}`);
      }
    }
    expect(visibleFormer).toEqual([]);
    expect(aliases.sort()).toEqual([
      'check --mode → --fail-on',
      'experiment abort --experiments-dir → --experiments',
      'experiment pause --experiments-dir → --experiments',
      'experiment resume --experiments-dir → --experiments',
      'experiment start --experiments-dir → --experiments',
      'review --series-snapshot → --snapshot',
    ]);
  });

  it('names the repository a command reads --repo-root, never --repo', () => {
    const folderOptions = commands.flatMap(({ path, command }) =>
      command.options.filter((o) => !o.hidden && (o.long === '--repo' || o.long === '--repo-root')).map((o) => `${path} ${o.flags}`),
    );
    expect(folderOptions.filter((flags) => flags.includes('<dir>') && !flags.includes('--repo-root'))).toEqual([]);
    expect(folderOptions).toEqual(expect.arrayContaining(['check --repo-root <dir>', 'synth --repo-root <dir>', 'review --repo-root <dir>']));
  });
});
