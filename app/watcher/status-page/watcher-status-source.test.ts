import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoWebUrlOf, WatcherStatusSource } from './watcher-status-source';

describe('WatcherStatusSource', () => {
  it('reads promoted states and decision records from the clone, and names a broken state file', async () => {
    // GIVEN a clone with a promoted experiment, its record, a person's note and a broken state file
    const dir = mkdtempSync(path.join(os.tmpdir(), 'phoenix-status-source-'));
    mkdirSync(path.join(dir, 'experiments/decisions/fast'), { recursive: true });
    writeFileSync(
      path.join(dir, 'experiments/fast.state.yaml'),
      'version: 1\nenvironments:\n  dev:\n    phase: promoted\n    variant: lean\n    frozenSaving: { seriesBefore: 10, seriesAfter: 4, monthlySaving: "12.30", currency: USD }\n  qa:\n    phase: running\n',
    );
    writeFileSync(path.join(dir, 'experiments/broken.state.yaml'), 'version: 1\nenvironments:\n  dev: { phase: exploded }\n');
    writeFileSync(
      path.join(dir, 'experiments/decisions/fast/dev-20261101T000000Z-promote.json'),
      JSON.stringify({ environment: 'dev', action: 'promote', decidedAt: '2026-11-01T00:00:00Z', variant: 'lean', decision: { verdict: 'pass' } }),
    );
    writeFileSync(path.join(dir, 'experiments/decisions/fast/notes.json'), '{"text": "a note"}');
    const source = new WatcherStatusSource({ report: () => undefined, repoDir: dir, environments: ['dev'], repoWebUrl: 'https://git.example/o/r' });
    // WHEN the view is built before any cycle
    const view = await source.view();
    // THEN only watched environments appear, with the frozen total and the linked record
    expect(view.environments.map((e) => e.name)).toEqual(['dev']);
    expect(view.promotedSavings).toEqual([{ amount: '12.30', currency: 'USD' }]);
    const fast = view.environments[0]!.experiments[0]!;
    expect(fast.decisions).toEqual([
      {
        time: '2026-11-01T00:00:00Z',
        action: 'promote',
        verdict: 'pass',
        variant: 'lean',
        recordPath: 'experiments/decisions/fast/dev-20261101T000000Z-promote.json',
        recordUrl: 'https://git.example/o/r/blob/main/experiments/decisions/fast/dev-20261101T000000Z-promote.json',
      },
    ]);
    expect(view.problems?.join('\n')).toMatch(/experiments\/broken\.state\.yaml:3: .*phase/);
    expect(view.lastCycleAt).toBeUndefined();
  });
});

describe('repoWebUrlOf', () => {
  it('turns forge remotes into web addresses without credentials, and local paths into none', () => {
    expect(repoWebUrlOf('https://x-access-token:secret@github.com/acme/config.git')).toBe('https://github.com/acme/config');
    expect(repoWebUrlOf('git@github.com:acme/config.git')).toBe('https://github.com/acme/config');
    expect(repoWebUrlOf('https://gitlab.example/group/config/')).toBe('https://gitlab.example/group/config');
    expect(repoWebUrlOf('/srv/git/config.git')).toBeUndefined();
    expect(repoWebUrlOf('file:///srv/git/config.git')).toBeUndefined();
  });
});
