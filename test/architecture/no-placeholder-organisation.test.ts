import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PHOENIX_IMAGE, PHOENIX_REPOSITORY, PHOENIX_REPOSITORY_URL } from '../../constructs/watcher/phoenix-image';
import { configRepository } from '../../environments/shared';

const ROOT = path.resolve(__dirname, '../..');

/** Organisation names that stand for "someone's organisation" in examples. */
const PLACEHOLDERS = /\b(acme(?:-?corp)?|example-?org|my-?org|your-?org|contoso|initech|globex|foo-?(?:org|corp)|some-?org)\b/i;

/**
 * Owners a shipped file may name on github.com or ghcr.io: Phoenix's own (package.json
 * `repository`), `OWNER` (the documented variable a reader replaces with their organisation) and
 * the upstream projects Phoenix links to.
 */
const OWNERS = new Set([PHOENIX_REPOSITORY.split('/')[0]!.toLowerCase(), 'owner', 'open-telemetry', 'prometheus']);

/** Every file of the repository (tracked and new) outside tests and generated lockfiles. */
function shippedFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  return [...new Set(listed)].filter(
    (file) => !/^test\/|\.test\.ts$|(^|\/)package-lock\.json$|^collector\/dist\//.test(file) && !/\.(png|jpe?g|gif|ico|woff2?)$/.test(file),
  );
}

function text(file: string): string {
  try {
    return readFileSync(path.join(ROOT, file), 'utf8');
  } catch {
    return ''; // deleted in the work tree
  }
}

describe('no placeholder organisation outside test fixtures', () => {
  const files = shippedFiles();

  it('no shipped file names a placeholder organisation', () => {
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((file) =>
      text(file)
        .split('\n')
        .flatMap((line, i) => (PLACEHOLDERS.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('every github.com and ghcr.io owner is Phoenix, OWNER or an upstream project', () => {
    const owners = /(?<![\w.-])(?:github\.com|ghcr\.io)\/([\w.-]+)/gi;
    const hits = files.flatMap((file) =>
      text(file)
        .split('\n')
        .flatMap((line, i) => [...line.matchAll(owners)].filter((m) => !OWNERS.has(m[1]!.toLowerCase())).map((m) => `${file}:${i + 1}: ${m[0]}`)),
    );
    expect(hits).toEqual([]);
  });

  it('finds a placeholder where one is written (the scan is not blind)', () => {
    expect(PLACEHOLDERS.test('repository: acme/metrics-config')).toBe(true);
    expect(PLACEHOLDERS.test('https://github.com/Example-Org/x')).toBe(true);
    expect(PLACEHOLDERS.test('phoenix-metrics/phoenix')).toBe(false);
  });

  it("Phoenix's identity is written once: the example config, the watcher's config and the deployed image follow it", () => {
    expect(PHOENIX_REPOSITORY_URL).toBe(`https://github.com/${PHOENIX_REPOSITORY}`);
    expect(configRepository.repositoryUrl).toBe(PHOENIX_REPOSITORY_URL);
    const watcher = parse(text('environments/watcher.yaml')) as { repository: { url: string }; github: { repository: string } };
    expect(watcher.repository.url).toBe(configRepository.repositoryUrl);
    expect(watcher.github.repository).toBe(PHOENIX_REPOSITORY);
    expect(text('gitops/infrastructure/prod/deployment-phoenix-watcher.yaml')).toContain(`image: ${PHOENIX_IMAGE}`);
  });
});
