import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const bin = path.join(__dirname, '..', '..', 'bin', 'phoenix');

describe('phoenix CLI', () => {
  it('prints the package version', () => {
    // GIVEN the installed CLI WHEN asked for its version
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8' });
    // THEN it is the package.json version
    expect(out.trim()).toBe(require('../../package.json').version);
  });

  it('fails with exit 2 and no stack trace on an unknown command', () => {
    const result = spawnSync(bin, ['no-such-command'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
