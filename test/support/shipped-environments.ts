import fs from 'node:fs';
import path from 'node:path';

const ENVIRONMENTS = path.resolve(__dirname, '..', '..', 'environments');

/**
 * The example environments that ship in this repository (dev, staging, prod, their shared
 * settings and the watcher config), as `environments/<file>` → text, for a config repository
 * made in a test: `phoenix` reads the environments of the folder it runs in.
 */
export function shippedEnvironmentFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(ENVIRONMENTS).sort()) {
    if (!/\.(ts|yaml)$/.test(name) || name.endsWith('.test.ts')) continue;
    files[`environments/${name}`] = fs.readFileSync(path.join(ENVIRONMENTS, name), 'utf8');
  }
  return files;
}
