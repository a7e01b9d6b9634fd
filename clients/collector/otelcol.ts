import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../../analysis/input-error';

/** What `otelcol validate` said about one config. */
export type CollectorVerdict = { readonly ok: true } | { readonly ok: false; readonly timedOut: boolean; readonly problems: readonly CollectorProblem[] };

/** One problem the collector reported, with the component it names when it names one. */
export interface CollectorProblem {
  /** `receivers`, `processors`, `exporters`, `connectors`, `extensions` or `service`. */
  readonly section?: string;
  /** The component id, e.g. `transform/x`. */
  readonly id?: string;
  readonly message: string;
}

/** How long one `validate` may take before the collector is killed and the config reported. @default 20 s */
export const VALIDATE_TIMEOUT_MS = 20_000;

/**
 * The collector binary at `binary`, checked once: it must exist, be executable and report
 * `release` from `--version`. Anything else is an input error naming the path (and the release found).
 */
export function openCollectorBinary(binary: string, release: string, timeoutMs = VALIDATE_TIMEOUT_MS): CollectorBinary {
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new InputError(`collector binary ${binary} does not exist or is not executable (build it with npm run collector:build)`);
  }
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const found = /version\s+v?(\d+\.\d+\.\d+\S*)/.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`)?.[1];
  if (result.status !== 0 || !found)
    throw new InputError(`collector binary ${binary} did not report a release with --version (exit ${result.status ?? result.signal})`);
  if (found !== release)
    throw new InputError(`collector binary ${binary} is release ${found}; Phoenix targets ${release} (build the pinned one with npm run collector:build)`);
  return new CollectorBinary(binary, timeoutMs);
}

/** The pinned collector, run as `validate` on configs. Results are remembered per config text. */
export class CollectorBinary {
  private readonly verdicts = new Map<string, CollectorVerdict>();

  constructor(
    readonly path: string,
    private readonly timeoutMs = VALIDATE_TIMEOUT_MS,
  ) {}

  /**
   * Runs `otelcol validate --config` on `yamlText`. `${env:NAME}` placeholders get dummy values
   * (a URL for names that look like endpoints, `1` for ports), so validation needs no secrets.
   */
  validate(yamlText: string, timeoutMs = this.timeoutMs): CollectorVerdict {
    const known = this.verdicts.get(yamlText);
    if (known) return known;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'phoenix-validate-'));
    try {
      const file = path.join(dir, 'config.yaml');
      writeFileSync(file, yamlText);
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
      for (const match of yamlText.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)/g)) env[match[1]!] = dummyValue(match[1]!);
      const result = spawnSync(this.path, ['validate', `--config=file:${file}`], {
        encoding: 'utf8',
        env,
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 4 * 1024 * 1024,
      });
      const verdict: CollectorVerdict =
        result.status === 0
          ? { ok: true }
          : result.error && (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT'
            ? { ok: false, timedOut: true, problems: [{ message: `the collector did not finish validating within ${timeoutMs / 1000} s and was killed` }] }
            : { ok: false, timedOut: false, problems: collectorProblems(`${result.stderr ?? ''}\n${result.stdout ?? ''}`, file) };
      this.verdicts.set(yamlText, verdict);
      return verdict;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function dummyValue(name: string): string {
  if (/URL|ENDPOINT|ADDRESS|HOST/i.test(name)) return 'http://placeholder.invalid:9090/';
  if (/PORT/i.test(name)) return '1';
  return 'placeholder';
}

const COMPONENT_LINE = /^(?:Error:\s*)?(?:[\w ]*: )?(receivers|processors|exporters|connectors|extensions|service)::([^\s:]+(?:::[^\s:]+)*):\s*(.*)$/;
/** How the collector's config decoder names a component: `'receivers' unknown type: "zipkin" for id: "zipkin"`, `'processors' error reading configuration for "batch": …`. */
const DECODE_LINE =
  /^'(receivers|processors|exporters|connectors|extensions)' (?:unknown type: "[^"]*" for id: "([^"]+)"|error reading configuration for "([^"]+)")/;

/**
 * The collector's own words, one problem per component it names (`processors::transform/x: …`,
 * `'processors' error reading configuration for "batch": …`), each with the lines that follow it
 * (the decoder puts the reason on the next lines: `'batchprocessor.Config' has invalid keys: bogus`),
 * else its `Error:` line with the lines after it; the temporary file's path removed, each bounded in length.
 */
function collectorProblems(output: string, file: string): CollectorProblem[] {
  const lines = output
    .split('\n')
    .map((line) => line.trim().split(file).join('<config>'))
    .filter(Boolean);
  const problems: Array<{ section?: string; id?: string; message: string }> = [];
  let header: string[] = [];
  for (const line of lines) {
    const match = COMPONENT_LINE.exec(line);
    const decoded = match ? undefined : DECODE_LINE.exec(line);
    if (match) problems.push({ section: match[1]!, id: match[2]!.split('::')[0]!, message: `${match[1]}::${match[2]}: ${match[3]}` });
    else if (decoded) problems.push({ section: decoded[1]!, id: decoded[2] ?? decoded[3]!, message: line });
    else if (problems.length > 0 && !/^Error:/.test(line)) problems[problems.length - 1]!.message += ` ${line}`;
    else if (problems.length === 0) header.push(line);
  }
  if (problems.length > 0) return problems.map((p) => ({ ...p, message: p.message.slice(0, 800) }));
  const at = header.findIndex((line) => /^Error:/.test(line));
  if (at < 0) header = [header.find((line) => /error|invalid|failed/i.test(line)) ?? header.at(-1) ?? 'validate failed'];
  else header = header.slice(at);
  return [
    {
      message: header
        .join(' ')
        .replace(/^Error:\s*/, '')
        .slice(0, 800),
    },
  ];
}
