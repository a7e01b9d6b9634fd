import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load, loadAll } from 'js-yaml';

export const repoRoot = path.join(__dirname, '..', '..');
export const fixtureExperiments = path.join(repoRoot, 'test', 'fixtures', 'generator', 'experiments');
export const bin = path.join(repoRoot, 'bin', 'phoenix');

/** A fresh temporary folder, removed by the caller's afterEach/afterAll through `removeTemp`. */
export function tempDir(prefix = 'phoenix-gen-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file under `root`, tree-relative path → content. */
export function readFiles(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relative);
      else out.set(relative, fs.readFileSync(path.join(dir, entry.name), 'utf8'));
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Runs the real CLI (bin/phoenix) in `cwd`. */
export function phoenix(args: string[], cwd = repoRoot): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(bin, args, { cwd, encoding: 'utf8', env: { ...process.env, PHOENIX_DEBUG: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `kubectl kustomize <dir>` → the objects it builds (throws with kubectl's message when the build fails). */
export function kustomize(dir: string): Array<Record<string, any>> {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return loadAll(out) as Array<Record<string, any>>;
}

/** All YAML documents of a file. */
export function documents(file: string): Array<Record<string, any>> {
  return (loadAll(fs.readFileSync(file, 'utf8')) as Array<Record<string, any>>).filter(Boolean);
}

/** One YAML document of a file. */
export function document(file: string): Record<string, any> {
  return load(fs.readFileSync(file, 'utf8')) as Record<string, any>;
}
