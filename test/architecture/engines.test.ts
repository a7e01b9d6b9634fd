/**
 * The Node versions Phoenix declares (`engines.node`) are ones every locked package supports, so
 * `npm ci` on the lowest of them installs without an engine warning (a dependency that needs a
 * newer Node is pinned back or overridden, ADR 0002).
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[]; optional?: boolean }>;
};

/** Every locked package with an `engines.node` range, as `path@version` → range. */
function lockedEngines(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    const node = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
    if (where !== '' && node) out.set(`${where.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'}`, node);
  }
  return out;
}

describe('Node versions', () => {
  it('the lowest Node release Phoenix declares satisfies every locked package', () => {
    const lowest = semver.minVersion(manifest.engines.node);
    expect(lowest, `engines.node '${manifest.engines.node}' has no lowest version`).not.toBeNull();
    const engines = lockedEngines();
    expect(engines.size).toBeGreaterThan(50);
    const unsupported = [...engines].filter(([, range]) => !semver.satisfies(lowest!, range)).map(([pkg, range]) => `${pkg} needs Node ${range}`);
    expect(unsupported, `engines.node is '${manifest.engines.node}'`).toEqual([]);
  });

  it('the Node running the tests is one Phoenix declares', () => {
    expect(semver.satisfies(process.versions.node, manifest.engines.node)).toBe(true);
  });
});
