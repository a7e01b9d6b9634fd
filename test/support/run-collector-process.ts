/**
 * Runs the real collector (`collectorBinary()`) on a config for a test: writes the config to a
 * temp file, starts the binary, waits until its health_check extension answers, and stops it
 * (SIGTERM, then SIGKILL) in `stop()`. Its stderr is kept for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dump } from 'js-yaml';
import { collectorBinary } from './collector';

/** A running collector. */
export interface CollectorProcess {
  /** The last lines the collector logged (for assertion messages). */
  log(): string;
  stop(): Promise<void>;
}

/** Starts the collector on `config`; `healthPort` is the port of its health_check extension. */
export async function runCollectorProcess(config: unknown, healthPort: number, timeoutMs = 30_000): Promise<CollectorProcess> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'phoenix-otelcol-'));
  const file = path.join(dir, 'config.yaml');
  await fs.writeFile(file, dump(config, { noRefs: true, lineWidth: -1 }));
  const child: ChildProcess = spawn(collectorBinary(), ['--config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const stop = async (): Promise<void> => {
    if (!exited) {
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    }
    await fs.rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`the collector exited at start: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${healthPort}/`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the collector did not become healthy within ${timeoutMs} ms: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { log: () => stderr.split('\n').slice(-20).join('\n'), stop };
}
