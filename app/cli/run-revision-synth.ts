import { spawn } from 'node:child_process';
import { SynthError } from '../../generators/errors';

/**
 * Runs the `phoenix synth` of the sources in `cwd` (that revision's own CLI, through tsx) into
 * `outDir`, so each side of `phoenix diff` is exactly what its sources produce.
 */
export function runRevisionSynth(cwd: string, outDir: string, experimentsDir: string, label: string): Promise<void> {
  const tsx = require.resolve('tsx/cli');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, 'app/cli/index.ts', 'synth', '-o', outDir, '--experiments', experimentsDir], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PHOENIX_DEBUG: '' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new SynthError([`cannot synthesize ${label}: ${error.message}`])));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new SynthError([`synthesizing ${label} failed (exit ${code}):\n${stderr.trim()}`]));
    });
  });
}
