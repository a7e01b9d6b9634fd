import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWatcher, createWatcherLog } from '../../app/cli/commands/watch';
import { loadWatcherConfig } from '../../app/watcher/config';
import { FakeGitHub, syncBranchesToGitHub } from './fake-github';
import { GitHttpServer, type GitAuthDecision } from './git-http-server';
import { startPrometheus, type TestPrometheus } from './prometheus';
import { createWatcherRepo } from './watcher-repo';
import { buildScenarioSet, type ScenarioKind, type ScenarioSet } from './watcher-scenarios';
import { startFluxApi, writeWatcherConfig } from './watcher-setup';

/**
 * Propose mode as deployed, for tests: a GitHub App (key on disk, installation tokens minted by the
 * GitHub fake), the config repository `acme/config` behind a real `git http-backend` that demands
 * those tokens, a real Prometheus holding the scenarios, Flux status from a fake Kubernetes API.
 * Who may read and push is a policy the test changes between cycles.
 */

export const RIG_APP_ID = 4242;
export const RIG_INSTALLATION = 7;
export const RIG_REPOSITORY = 'acme/config';

/** Decides a git request from the installation the token was issued to (undefined: not a token GitHub issued). */
export type GitPolicy = (installationId: number | undefined, service: 'upload-pack' | 'receive-pack') => GitAuthDecision;

/** The default policy: any installation token of the App's installation on the repository may read and push. */
export const installationMayPush: GitPolicy = (installationId) =>
  installationId === RIG_INSTALLATION ? 'ok' : installationId === undefined ? 'unauthorized' : 'not-found';

export interface ProposeRig {
  readonly root: string;
  readonly set: ScenarioSet;
  readonly github: FakeGitHub;
  readonly server: GitHttpServer;
  /** The bare repository the server serves. */
  readonly bare: string;
  /** Every log line of every watcher the rig made. */
  readonly logLines: string[];
  /** Who may read and push; change it between cycles. */
  policy: GitPolicy;
  /** Writes the watcher config (`installationId`, `keyFile` relative to the config) and returns a propose-mode watcher for it. */
  watcher(options?: { readonly installationId?: number; readonly keyFile?: string; readonly dryRun?: boolean }): ReturnType<typeof createWatcher>;
  /** The App's private key as PEM, and a key of no App (a wrong or revoked one). */
  readonly keys: { readonly app: string; readonly wrong: string };
  /** git in the bare repository. */
  git(...args: string[]): string;
  /** Successful pushes (receive-pack POSTs that reached git). */
  pushes(): number;
  stop(): Promise<void>;
}

/** Starts the rig for `kinds` (experiment name → scenario), all running in `dev`. */
export async function startProposeRig(kinds: Readonly<Record<string, ScenarioKind>>, options: { readonly privateRepo?: boolean } = {}): Promise<ProposeRig> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'phoenix-propose-rig-'));
  const stops: Array<() => Promise<void>> = [];
  try {
    const set = buildScenarioSet(kinds);
    const prometheus: TestPrometheus = await startPrometheus({ openMetrics: set.openMetrics() });
    stops.push(() => prometheus.stop());
    const repo = createWatcherRepo(set, prometheus.url);
    const bare = path.join(root, 'repos', `${RIG_REPOSITORY}.git`);
    mkdirSync(path.dirname(bare), { recursive: true });
    execFileSync('git', ['clone', '--quiet', '--bare', repo.remote, bare]);
    rmSync(repo.scratch, { recursive: true, force: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: bare, encoding: 'utf8' }).trim();

    const pem = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const app = pem();
    const keys = {
      app: app.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      wrong: pem().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    const github = await FakeGitHub.start({ appId: RIG_APP_ID, appPublicKey: app.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    stops.push(() => github.stop());
    const [owner, name] = RIG_REPOSITORY.split('/') as [string, string];
    github.addRepo({ owner, name, installationId: RIG_INSTALLATION, private: options.privateRepo ?? false });
    github.setRef(RIG_REPOSITORY, 'heads/main', git('rev-parse', 'main'));

    const rig = { policy: installationMayPush } as { policy: GitPolicy };
    const server = await GitHttpServer.start({
      root: path.join(root, 'repos'),
      authorize: (token, service) => rig.policy(token === undefined ? undefined : github.state.tokens.get(token)?.installationId, service),
      afterPush: (repository) => syncBranchesToGitHub(github, repository, bare),
    });
    stops.push(() => server.stop());

    const work = path.join(root, 'watcher');
    mkdirSync(work);
    const revision = `main@sha1:${git('rev-parse', 'main')}`;
    const sinceOf = (name: string) => set.experiments.find((e) => e.name === name)!.environments.dev!.lifecycle.since!;
    const kube = await startFluxApi(work, Object.fromEntries(set.experiments.map((e) => [e.name, revision])), sinceOf);
    stops.push(() => kube.stop());
    writeFileSync(path.join(work, 'app.pem'), keys.app, { mode: 0o600 });
    writeFileSync(path.join(work, 'wrong.pem'), keys.wrong, { mode: 0o600 });
    const logLines: string[] = [];

    return Object.assign(rig, {
      root,
      set,
      github,
      server,
      bare,
      logLines,
      keys,
      git,
      pushes: () => server.requests.filter((r) => r.service === 'receive-pack' && r.method === 'POST' && r.decision === 'ok').length,
      watcher(watcherOptions: { installationId?: number; keyFile?: string; dryRun?: boolean } = {}) {
        const configFile = writeWatcherConfig(path.join(work, 'watcher.yaml'), {
          url: server.url(RIG_REPOSITORY),
          settings: [
            'mode: propose',
            'intervalSeconds: 60',
            'server: { host: 127.0.0.1, port: 0 }',
            'prometheus: { attempts: 2, timeoutMs: 3000 }',
            'github:',
            `  repository: ${RIG_REPOSITORY}`,
            `  apiUrl: ${github.baseUrl}`,
            `  app: { appId: ${RIG_APP_ID}, installationId: ${watcherOptions.installationId ?? RIG_INSTALLATION}, privateKey: { file: ./${watcherOptions.keyFile ?? 'app.pem'} } }`,
          ],
        });
        const log = createWatcherLog('debug', { write: (line: string) => void logLines.push(line) });
        return createWatcher(loadWatcherConfig(configFile), { mode: 'propose', log, now: () => set.now, ...(watcherOptions.dryRun ? { dryRun: true } : {}) });
      },
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
        rmSync(root, { recursive: true, force: true });
      },
    });
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
