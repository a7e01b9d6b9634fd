/**
 * The real OpenTelemetry Collector for tests: the pinned distribution built from `collector/`
 * (`npm run collector:build`). `PHOENIX_OTELCOL` names the binary (`.ci/run` sets it); without it
 * the build script is run, which reuses its cached binary while the manifest is unchanged.
 *
 * There is no silent skip: a missing Go toolchain or a failed build throws one clear line.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

let resolved: string | undefined;

/** Path of the pinned collector binary; builds it on first use when `PHOENIX_OTELCOL` is not set. */
export function collectorBinary(): string {
  if (resolved) return resolved;
  const fromEnv = process.env.PHOENIX_OTELCOL;
  if (fromEnv) {
    try {
      accessSync(fromEnv, constants.X_OK);
    } catch {
      throw new Error(`PHOENIX_OTELCOL=${fromEnv} is not an executable file: run \`npm run collector:build\` and point it at the path printed last`);
    }
    resolved = fromEnv;
    return resolved;
  }
  const script = path.join(__dirname, '..', '..', 'collector', 'build.sh');
  let out: string;
  try {
    out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30 * 60_000 });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')
      .slice(-3)
      .join(' | ');
    throw new Error(`the real collector is required and could not be built (npm run collector:build): ${stderr}`, { cause: err });
  }
  const last = out.trim().split('\n').pop() ?? '';
  resolved = last;
  return resolved;
}
