import { spawn } from 'node:child_process';
import { readFile, symlink, lstat } from 'node:fs/promises';
import path from 'node:path';

/** The folder of this Phoenix installation (holds package-lock.json and node_modules). */
export const INSTALLATION_DIR = path.resolve(__dirname, '..', '..', '..');

/**
 * Returns a re-synthesizer for proposals: in the config repo clone, when its `package-lock.json`
 * equals this installation's, it runs `phoenix synth` in the clone with this installation's
 * node_modules (linked in, never committed: `.gitignore` keeps it out) — the clone's own
 * `bin/phoenix` in Phoenix's repository, `node_modules/.bin/phoenix` in a config repository that
 * depends on phoenix-metrics — and reports true; when the lockfiles differ it changes
 * nothing and reports false, so the pull request says CI must re-synthesize.
 */
export function resynthesizeWithInstallation(installationDir = INSTALLATION_DIR): (repoDir: string) => Promise<boolean> {
  return async (repoDir) => {
    const [ours, theirs] = await Promise.all([readText(path.join(installationDir, 'package-lock.json')), readText(path.join(repoDir, 'package-lock.json'))]);
    if (ours === undefined || theirs === undefined || ours !== theirs) return false;
    const modules = path.join(repoDir, 'node_modules');
    const exists = await lstat(modules).then(
      () => true,
      () => false,
    );
    if (!exists) await symlink(path.join(installationDir, 'node_modules'), modules, 'dir');
    // Phoenix's own repository runs its bin/phoenix; a config repository the installed package's.
    const ownBin = path.join(repoDir, 'bin', 'phoenix');
    const bin = (await lstat(ownBin).then(
      () => true,
      () => false,
    ))
      ? ownBin
      : path.join(repoDir, 'node_modules', '.bin', 'phoenix');
    await run(process.execPath, [bin, 'synth'], repoDir);
    return true;
  };
}

async function readText(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`re-synthesizing the config repo failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`)),
    );
  });
}
