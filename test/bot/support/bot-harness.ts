import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createBot, createBotLogger, type Bot } from '../../../app/bot/bot';
import { parseBotConfig } from '../../../app/bot/config';
import { FakeGitHub } from '../../support/fake-github';
import { GitFixture, baseTree } from './git-fixture';
import { deliver, pullRequestExample, sign } from './webhooks';

export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';
export const FULL_NAME = `${OWNER}/${REPO}`;
export const WEBHOOK_SECRET = 'bot-test-webhook-secret';
export const INSTALLATION_ID = 1;

let keyPair: { privateKey: string; publicKey: string } | undefined;
function appKeys(): { privateKey: string; publicKey: string } {
  if (!keyPair) {
    const pair = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    keyPair = {
      privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }
  return keyPair;
}

/**
 * Everything a bot test needs: the fake GitHub (validated against the OpenAPI description), a real
 * config repo with a bare remote laid out as `<root>/<owner>/<repo>.git` (with `refs/pull/N/head`
 * as GitHub keeps them), and bots built from a parsed config. Logs are captured to check that no
 * credential reaches them.
 */
export class BotHarness {
  readonly logs: string[] = [];
  private readonly bots: Bot[] = [];
  private readonly cleanups: Array<() => void> = [];

  private constructor(
    readonly github: FakeGitHub,
    readonly repo: GitFixture,
    readonly remoteDir: string,
    readonly workDir: string,
    readonly baseSha: string,
  ) {}

  static async create(): Promise<BotHarness> {
    const github = await FakeGitHub.start({ appPublicKey: appKeys().publicKey });
    const repo = GitFixture.create();
    const baseSha = repo.commit(baseTree(), 'base');
    const remotesRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-remotes-'));
    const remoteDir = path.join(remotesRoot, OWNER, `${REPO}.git`);
    fs.mkdirSync(path.dirname(remoteDir), { recursive: true });
    execFileSync('git', ['clone', '--quiet', '--bare', repo.dir, remoteDir]);
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-bot-work-'));
    github.addRepo({ owner: OWNER, name: REPO, installationId: INSTALLATION_ID });
    github.setRef(FULL_NAME, 'heads/main', baseSha);
    const harness = new BotHarness(github, repo, remoteDir, workDir, baseSha);
    harness.cleanups.push(
      () => repo.remove(),
      () => fs.rmSync(remotesRoot, { recursive: true, force: true }),
      () => fs.rmSync(workDir, { recursive: true, force: true }),
    );
    return harness;
  }

  /** Commits files on a branch off main, pushes it and `refs/pull/<n>/head` to the remote; returns the commit. */
  push(branch: string, files: Record<string, string | null>, pullNumber: number): string {
    const exists = this.repo.git('branch', '--list', branch) !== '';
    this.repo.git('checkout', '--quiet', exists ? branch : '-b', ...(exists ? [] : [branch, 'main']));
    const sha = this.repo.commit(files, `change ${branch}`);
    this.repo.git('checkout', '--quiet', 'main');
    execFileSync('git', ['push', '--quiet', '--force', this.remoteDir, `${sha}:refs/heads/${branch}`, `${sha}:refs/pull/${pullNumber}/head`], {
      cwd: this.repo.dir,
    });
    return sha;
  }

  /** A bot (a "process"): same config, same work dir and fake, fresh memory. */
  async bot(extraConfig = ''): Promise<{ bot: Bot; url: string }> {
    const config = parseBotConfig(
      [
        'server: { host: 127.0.0.1, port: 0 }',
        'github:',
        '  appId: 4242',
        `  apiUrl: ${this.github.baseUrl}`,
        `  cloneUrlTemplate: "file://${path.dirname(path.dirname(this.remoteDir))}/{owner}/{repo}.git"`,
        'work:',
        `  dir: ${this.workDir}`,
        '  concurrency: 2',
        '  sweepIntervalSeconds: 0',
        extraConfig,
      ].join('\n'),
      path.join(this.workDir, 'bot.yaml'),
    );
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.logs.push(chunk.toString());
        callback();
      },
    });
    const bot = await createBot(
      config,
      { privateKey: appKeys().privateKey, webhookSecrets: [WEBHOOK_SECRET] },
      { log: createBotLogger(sink, 'debug'), clientOptions: { throttle: false, retries: 2, retryAfterBaseValueMs: 1 } },
    );
    const server = await bot.start();
    this.bots.push(bot);
    return { bot, url: server.url };
  }

  /** Delivers a real `pull_request` payload for the pull request's current head, signed. */
  async deliver(
    serverUrl: string,
    action: string,
    pullNumber: number,
    headSha: string,
    mutate: (payload: Record<string, any>) => void = () => undefined,
  ): Promise<{ status: number; body: string }> {
    const payload = pullRequestExample(action);
    payload.number = pullNumber;
    payload.pull_request.number = pullNumber;
    payload.pull_request.head.sha = headSha;
    payload.pull_request.base.sha = this.baseSha;
    payload.pull_request.draft = false;
    payload.installation = { id: INSTALLATION_ID, node_id: 'x' };
    mutate(payload);
    const body = JSON.stringify(payload);
    return deliver(`${serverUrl}/api/github/webhooks`, body, { 'x-hub-signature-256': await sign(WEBHOOK_SECRET, body) });
  }

  /** Comments on a pull request that carry the review marker. */
  stickyComments(pullNumber: number): Array<{ id: number; body: string }> {
    return this.github.repo(FULL_NAME).comments.filter((c) => c.issueNumber === pullNumber && c.body.includes('<!-- phoenix-review head='));
  }

  async close(): Promise<void> {
    for (const bot of this.bots.splice(0)) await bot.stop();
    await this.github.stop();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}
