import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

/** What `npm pack` produced: the tarball and what npm recorded of it. */
export interface PackedPackage {
  readonly tarball: string;
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
  readonly files: readonly string[];
}

/** `npm pack` of this repository into `dir`, as a publisher would run it. */
export function packRepository(dir: string): PackedPackage {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [packed] = JSON.parse(out) as Array<{ filename: string; name: string; version: string; integrity: string; files: Array<{ path: string }> }>;
  return {
    tarball: path.join(dir, packed.filename),
    name: packed.name,
    version: packed.version,
    integrity: packed.integrity,
    files: packed.files.map((file) => file.path),
  };
}

/**
 * Installs the packed tarball into `appDir` (an empty folder) with production dependencies only,
 * as `npm ci --omit=dev` in a repository that depends on the package would. Offline: the versions
 * are the ones this repository's package-lock.json pins (the lockfile a consumer gets from
 * `npm install` of the same release), so every tarball comes from npm's local cache.
 * Returns npm's output (stdout and stderr).
 */
export function installPacked(packed: PackedPackage, appDir: string): string {
  const relative = path.relative(appDir, packed.tarball).split(path.sep).join('/');
  const ours = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(fs.readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
  const spec = `file:${relative}`;
  // the overrides `phoenix init` writes into a config repository's package.json (npm applies only the root's)
  const manifest = { name: 'config-repo', version: '1.0.0', private: true, dependencies: { [packed.name]: spec }, overrides: ours.overrides };
  const packages: Record<string, unknown> = {
    '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
    [`node_modules/${packed.name}`]: {
      version: packed.version,
      resolved: spec,
      integrity: packed.integrity,
      license: ours.license,
      dependencies: ours.dependencies,
      bin: ours.bin,
      engines: ours.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.dev === true) continue;
    packages[key] = entry;
  }
  fs.writeFileSync(path.join(appDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.writeFileSync(
    path.join(appDir, 'package-lock.json'),
    `${JSON.stringify({ name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
  const result = spawnSync('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], {
    cwd: appDir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`npm ci --omit=dev failed (${result.status ?? result.signal}):\n${output}`);
  return output;
}
