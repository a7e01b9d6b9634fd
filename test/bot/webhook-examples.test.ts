/**
 * Every payload published in @octokit/webhooks-examples (each event GitHub sends, each action),
 * delivered signed to the running bot: each is acknowledged at once, and only the pull request
 * actions Phoenix reviews start work.
 */
import crypto from 'node:crypto';
import examples from '@octokit/webhooks-examples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../app/bot/bot';
import { BotHarness, WEBHOOK_SECRET } from './support/bot-harness';
import { deliver, sign } from './support/webhooks';

const REVIEWED = new Set(['opened', 'synchronize', 'reopened', 'ready_for_review']);
const groups = examples as unknown as Array<{ name: string; examples: Array<Record<string, any>> }>;

describe('@octokit/webhooks-examples delivered to phoenix bot', { timeout: 120_000 }, () => {
  let h: BotHarness;
  let bot: Bot;
  let url: string;
  const outcomes: Array<{ event: string; action: unknown; status: number; outcome: string }> = [];

  beforeAll(async () => {
    h = await BotHarness.create();
    ({ bot, url } = await h.bot());
    for (const group of groups) {
      for (const payload of group.examples) {
        const body = JSON.stringify(payload);
        const response = await deliver(`${url}/api/github/webhooks`, body, {
          'x-github-event': group.name,
          'x-github-delivery': crypto.randomUUID(),
          'x-hub-signature-256': await sign(WEBHOOK_SECRET, body),
        });
        outcomes.push({ event: group.name, action: payload.action, status: response.status, outcome: JSON.parse(response.body).message });
      }
    }
    await bot.queue.idle();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('acknowledges every published payload with 202', () => {
    expect(outcomes.length).toBeGreaterThan(300);
    expect(new Set(outcomes.map((o) => o.event)).size).toBeGreaterThan(50);
    expect(outcomes.filter((o) => o.status !== 202)).toEqual([]);
  });

  it('ignores every event but pull_request, naming it', () => {
    for (const o of outcomes.filter((entry) => entry.event !== 'pull_request')) expect(o.outcome).toBe(`ignored: event ${o.event}`);
  });

  it('starts work only for the reviewed pull request actions', () => {
    const pulls = outcomes.filter((o) => o.event === 'pull_request');
    for (const o of pulls.filter((entry) => !REVIEWED.has(String(entry.action)))) expect(o.outcome).toBe(`ignored: action ${String(o.action)}`);
    const reviewed = pulls.filter((o) => REVIEWED.has(String(o.action)));
    expect(reviewed.length).toBeGreaterThan(0);
    // queued, or a duplicate of a head already queued (the examples share one head per pull request)
    for (const o of reviewed) expect(o.outcome).toMatch(/^(queued|duplicate)$/);
    expect(reviewed.some((o) => o.outcome === 'queued')).toBe(true);
  });
});
