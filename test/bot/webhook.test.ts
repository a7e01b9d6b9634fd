import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../app/cli/program';
import pino from 'pino';
import { BotConfigError, parseBotConfig, readCredential } from '../../app/bot/config';
import { createSignatureVerifier, createWebhookHandler, listen, type RunningServer, type WebhookDelivery } from '../../app/bot/webhook-server';
import { deliver, pullRequestExample, sign } from './support/webhooks';

const SECRET = 'test-webhook-secret';
const PREVIOUS_SECRET = 'previous-webhook-secret';

describe('webhook endpoint: verified before parsed', () => {
  let server: RunningServer;
  let delivered: WebhookDelivery[];
  let url: string;

  beforeEach(async () => {
    delivered = [];
    const verify = await createSignatureVerifier([SECRET, PREVIOUS_SECRET]);
    const handler = createWebhookHandler({
      path: '/api/github/webhooks',
      maxBodyBytes: 64 * 1024,
      verify,
      onDelivery: (delivery) => {
        delivered.push(delivery);
        return 'queued';
      },
      log: pino({ level: 'silent' }),
    });
    server = await listen(handler, '127.0.0.1', 0);
    url = `${server.url}/api/github/webhooks`;
  });

  afterEach(async () => {
    await server.close();
  });

  it.each(['opened', 'synchronize', 'reopened', 'ready_for_review'])('accepts a real pull_request.%s payload signed with the secret (202)', async (action) => {
    // GIVEN a real payload from @octokit/webhooks-examples, signed
    const body = JSON.stringify(pullRequestExample(action));
    // WHEN it is delivered
    const response = await deliver(url, body, { 'x-hub-signature-256': await sign(SECRET, body) });
    // THEN it is accepted and handed on, parsed
    expect(response.status).toBe(202);
    expect(delivered).toHaveLength(1);
    expect((delivered[0].payload as { action: string }).action).toBe(action);
  });

  it('accepts the previous secret during a rotation', async () => {
    const body = JSON.stringify(pullRequestExample('opened'));
    const response = await deliver(url, body, { 'x-hub-signature-256': await sign(PREVIOUS_SECRET, body) });
    expect(response.status).toBe(202);
  });

  it('fails when the payload was tampered with after signing (401, nothing runs)', async () => {
    const original = JSON.stringify(pullRequestExample('opened'));
    const signature = await sign(SECRET, original);
    const tampered = original.replace('"number":2', '"number":3');
    expect(tampered).not.toBe(original);
    const response = await deliver(url, tampered, { 'x-hub-signature-256': signature });
    expect(response.status).toBe(401);
    expect(delivered).toEqual([]);
  });

  it('fails when signed with a wrong secret (401, nothing runs)', async () => {
    const body = JSON.stringify(pullRequestExample('opened'));
    const response = await deliver(url, body, { 'x-hub-signature-256': await sign('not-the-secret', body) });
    expect(response.status).toBe(401);
    expect(delivered).toEqual([]);
  });

  it('fails when the body is empty, even with a well-formed signature (401, found by fuzzing: the verifier threw)', async () => {
    const response = await deliver(url, '', { 'x-hub-signature-256': `sha256=${'a0'.repeat(32)}` });
    expect(response.status).toBe(401);
    expect(delivered).toEqual([]);
  });

  it('fails when the signature header is missing (401)', async () => {
    const response = await deliver(url, JSON.stringify(pullRequestExample('opened')), {});
    expect(response.status).toBe(401);
    expect(delivered).toEqual([]);
  });

  it('checks the signature before parsing: malformed JSON with a bad signature is 401, not 400', async () => {
    const body = '{"action": "opened", broken';
    expect((await deliver(url, body, { 'x-hub-signature-256': await sign('wrong', body) })).status).toBe(401);
    expect((await deliver(url, body, { 'x-hub-signature-256': await sign(SECRET, body) })).status).toBe(400);
    expect(delivered).toEqual([]);
  });

  it('fails when the body is over the size limit (413)', async () => {
    const body = JSON.stringify({ ...pullRequestExample('opened'), padding: 'x'.repeat(80 * 1024) });
    const response = await deliver(url, body, { 'x-hub-signature-256': await sign(SECRET, body) });
    expect(response.status).toBe(413);
    expect(delivered).toEqual([]);
  });

  it('handles a redelivered X-GitHub-Delivery once', async () => {
    const body = JSON.stringify(pullRequestExample('opened'));
    const headers = { 'x-hub-signature-256': await sign(SECRET, body), 'x-github-delivery': 'delivery-1' };
    expect((await deliver(url, body, headers)).status).toBe(202);
    expect((await deliver(url, body, headers)).status).toBe(200);
    expect(delivered).toHaveLength(1);
  });
});

describe('bot config', () => {
  it('applies defaults to a minimal config', () => {
    const config = parseBotConfig('github:\n  appId: 42\n', '/etc/phoenix/bot.yaml');
    expect(config.github.webhookSecret).toEqual({ env: 'PHOENIX_WEBHOOK_SECRET' });
    expect(config.server).toMatchObject({ port: 3000, path: '/api/github/webhooks' });
    expect(config.work.concurrency).toBe(2);
  });

  it('fails when a secret is written into the file, naming file:line and field', () => {
    expect(() => parseBotConfig('github:\n  appId: 42\n  webhookSecretValue: hunter2\n', 'bot.yaml')).toThrow(
      /bot\.yaml:3: github\.webhookSecretValue: unknown field/,
    );
  });

  it('fails when appId is missing', () => {
    expect(() => parseBotConfig('github: {}\n', 'bot.yaml')).toThrow(BotConfigError);
    expect(() => parseBotConfig('github: {}\n', 'bot.yaml')).toThrow(/github\.appId: missing required field/);
  });

  it('fails when a credential variable is unset, naming the variable and never a value', () => {
    expect(() => readCredential({ env: 'PHOENIX_TEST_UNSET_SECRET' }, 'webhook secret', {})).toThrow(
      /PHOENIX_TEST_UNSET_SECRET \(or PHOENIX_TEST_UNSET_SECRET_FILE\) is not set/,
    );
    expect(readCredential({ env: 'S' }, 'webhook secret', { S: ' value\n' })).toBe('value');
  });
});

describe('phoenix bot --check-config (CLI)', () => {
  it('validates the config and the credentials it points at', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-bot-config-'));
    try {
      fs.writeFileSync(path.join(dir, 'app.pem'), 'not-a-real-key\n');
      fs.writeFileSync(
        path.join(dir, 'bot.yaml'),
        'github:\n  appId: 7\n  privateKey: { file: app.pem }\n  webhookSecret: { env: PHOENIX_TEST_WEBHOOK_SECRET }\n',
      );
      process.env.PHOENIX_TEST_WEBHOOK_SECRET = 'from-env';
      expect(await runCli(['bot', '--config', path.join(dir, 'bot.yaml'), '--check-config'])).toBe(0);
      delete process.env.PHOENIX_TEST_WEBHOOK_SECRET;
      // fails with exit 2 when the secret variable is unset
      expect(await runCli(['bot', '--config', path.join(dir, 'bot.yaml'), '--check-config'])).toBe(2);
    } finally {
      delete process.env.PHOENIX_TEST_WEBHOOK_SECRET;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
