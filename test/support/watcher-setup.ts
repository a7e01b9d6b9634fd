/**
 * What every watcher test sets up around its config repo ({@link createWatcherRepo}): Flux status
 * from the Kubernetes API fake (a Ready Kustomization per experiment), the watcher's config file,
 * and the watcher as its own process (`bin/phoenix watch`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeKubeApi } from './fake-kube-api';

/** A Ready Flux Kustomization of experiment `name` (`phoenix-experiment-<name>`) that applied `revision` (`main@sha1:…`). */
export function readyKustomization(name: string, revision: string, since: string) {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: `phoenix-experiment-${name}`, namespace: 'flux-system', generation: 1, labels: { 'phoenix.dev/experiment': name } },
    status: {
      observedGeneration: 1,
      lastAppliedRevision: revision,
      conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${revision}`, lastTransitionTime: since }],
    },
  };
}

/**
 * Starts the Kubernetes API fake holding a Ready Kustomization per experiment (name → applied
 * revision, `main@sha1:…`), Ready since `since` (one time, or each experiment's), and writes its
 * kubeconfig (context `fake`) to `<dir>/kubeconfig`. The caller must `stop()` it.
 */
export async function startFluxApi(
  dir: string,
  applied: Readonly<Record<string, string>>,
  since: string | ((experiment: string) => string),
): Promise<FakeKubeApi> {
  const kube = new FakeKubeApi();
  await kube.start();
  for (const [name, revision] of Object.entries(applied)) {
    kube.put('kustomize.toolkit.fluxcd.io', 'v1', 'kustomizations', readyKustomization(name, revision, typeof since === 'string' ? since : since(name)));
  }
  writeFileSync(path.join(dir, 'kubeconfig'), kube.kubeConfig().exportConfig());
  return kube;
}

/** Options of {@link writeWatcherConfig}. */
export interface WatcherConfigOptions {
  /** The config repository's URL. */
  readonly url: string;
  /** @default './work' */
  readonly workDir?: string;
  /** Top-level lines between `repository` and `environments` (`mode: propose`, `server: …`, a `github:` block). @default - none */
  readonly settings?: readonly string[];
  /** The dev environment's Prometheus matchers. @default ['phoenix_env="dev"'] */
  readonly matchers?: readonly string[];
}

/**
 * Writes a watcher config to `file`: the repository, `settings`, and one environment, dev, whose Flux
 * status comes from the fake's kubeconfig beside the file ({@link startFluxApi}). Returns `file`.
 */
export function writeWatcherConfig(file: string, options: WatcherConfigOptions): string {
  const matchers = options.matchers ?? ['phoenix_env="dev"'];
  const lines = [
    'repository:',
    `  url: ${options.url}`,
    `  workDir: ${options.workDir ?? './work'}`,
    ...(options.settings ?? []),
    'environments:',
    '  dev:',
    '    flux: { source: kubernetes, kubeconfig: ./kubeconfig, context: fake }',
    ...(matchers.length > 0 ? ['    prometheus:', `      matchers: [${matchers.map((m) => `'${m}'`).join(', ')}]`] : []),
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}

/** A watcher running as its own process. */
export interface WatcherProcess {
  readonly child: ChildProcess;
  /** Resolves to the watcher's base URL once it logs "watcher listening"; rejects if it exits first. */
  readonly listening: Promise<string>;
  /** Resolves to the exit code. */
  readonly exited: Promise<number | null>;
  /** Its stderr (the JSON log) so far. */
  stderr(): string;
}

/** Runs `bin/phoenix watch --config <configFile>`; the caller must end it (`child.kill`) in a `finally`. */
export function spawnWatcher(configFile: string): WatcherProcess {
  const child = spawn(path.join(__dirname, '..', '..', 'bin', 'phoenix'), ['watch', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"watcher listening"/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', () => reject(new Error(`watcher exited early: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, listening, exited, stderr: () => stderr };
}
