/**
 * Every shell command in the README and the guides that can run offline is run here, in a fresh
 * clone of the repository, as a reader would type it: a command the docs show must not be a usage
 * or input error (exit 2) and must not crash. Commands that need a cluster, a server, a network
 * address or files the repository does not hold are listed with the reason they are not run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '..', '..');
const GUIDES = [
  'README.md',
  ...fs
    .readdirSync(path.join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

interface DocCommand {
  readonly file: string;
  readonly command: string;
}

/** The commands of the fenced sh/bash blocks of a Markdown file, continuation lines joined, comments removed. */
function commandsOf(file: string): DocCommand[] {
  const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
  const out: DocCommand[] = [];
  for (const block of text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)) {
    for (const raw of block[1]!.replace(/\\\n\s*/g, ' ').split('\n')) {
      const command = raw.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) out.push({ file, command });
    }
  }
  return out;
}

/** Why a command is not run offline, or undefined when it is. */
function whyNotRun(command: string, clone: string): string | undefined {
  if (/^npm (ci|install)\b/.test(command) || /npm run test:all/.test(command)) return 'installs or runs the whole suite (this test is part of it)';
  if (/^export /.test(command)) return 'sets a variable for a server command';
  if (/^npx phoenix\b/.test(command)) return 'runs in a config repository that installed phoenix-metrics (test/package/packed-install.test.ts does that)';
  if (/^(flux|docker|helm)\b/.test(command) || (/^kubectl (apply|create|get|logs|port-forward|rollout)\b/.test(command) && !/--dry-run=client/.test(command)))
    return 'needs a cluster, a container engine or a GitHub account';
  if (/--from-file=/.test(command)) return 'reads key files the reader creates (app.pem, webhook-secret)';
  if (/\bphoenix experiment (start|pause|resume|abort)\b/.test(command)) return 'opens a pull request on GitHub (needs a token and the repository)';
  if (/\b(watch|bot)\b/.test(command.split(' -- ').pop()!.split(' ').slice(0, 3).join(' '))) return 'starts a server';
  if (/https?:\/\//.test(command)) return 'reads a network address';
  const outputs = new Set<string>();
  const words = command.split(/\s+/);
  words.forEach((word, i) => {
    if (word === '-o' || word === '--output') outputs.add(words[i + 1] ?? '');
  });
  for (const word of words) {
    if (outputs.has(word) || word.startsWith('-') || !/[/.]/.test(word) || /^(origin\/main|HEAD~?\d*|bin\/phoenix)$/.test(word) || word.includes('&&'))
      continue;
    if (/\.(ya?ml|json|prom|ts|sarif|pem)$|\//.test(word) && !fs.existsSync(path.join(clone, word))) return `names ${word}, which the repository does not hold`;
  }
  return undefined;
}

describe('commands in the README and the guides', { timeout: 600_000 }, () => {
  let root: string;
  let clone: string;
  const commands = GUIDES.flatMap(commandsOf);

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-docs-'));
    clone = path.join(root, 'repo');
    execFileSync('git', ['clone', '--quiet', repoRoot, clone]);
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds the commands the docs show', () => {
    expect(commands.length).toBeGreaterThan(20);
    expect(commands.some((c) => c.file === 'README.md' && c.command.startsWith('npm run synth'))).toBe(true);
  });

  it('runs every offline command without a usage or input error', () => {
    const ran: string[] = [];
    const failures: string[] = [];
    for (const { file, command } of commands) {
      if (whyNotRun(command, clone) !== undefined) continue;
      const result = spawnSync('bash', ['-c', command], {
        cwd: clone,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${path.join(clone, 'bin')}:${process.env.PATH}`, NO_COLOR: '1', PHOENIX_DEBUG: '' },
        timeout: 180_000,
      });
      ran.push(command);
      if (result.status !== 0 && result.status !== 1) {
        failures.push(
          `${file}: \`${command}\` exited ${result.status ?? result.signal}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`,
        );
      }
    }
    expect(failures).toEqual([]);
    // the walkthrough's own commands all run
    expect(ran).toEqual(expect.arrayContaining(['npm run phoenix -- check', 'npm run phoenix -- synth --check']));
    expect(ran.length).toBeGreaterThanOrEqual(15);
  });
});
