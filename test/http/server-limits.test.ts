import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookHandler, listen, type RunningServer } from '../../app/bot/webhook-server';
import { WatcherHttpServer } from '../../app/watcher/http-server';
import type { ServerLimits } from '../../app/server-limits';

/**
 * Slow clients against the bot's webhook server and the watcher's HTTP server, with short limits set
 * through options: slow-loris connections (headers sent a line at a time, never finished), a body that
 * trickles in, idle keep-alive connections and more connections than the cap. Each is closed by the
 * server within its limit, and the server still answers a normal request afterwards.
 */

const LIMITS: ServerLimits = { headersTimeoutMs: 600, requestTimeoutMs: 1_200, keepAliveTimeoutMs: 400, maxConnections: 64, checkIntervalMs: 50 };
const SLACK_MS = 700;

interface SlowClient {
  /** Milliseconds from connect until the server closed the socket (undefined while open). */
  closedAfterMs?: number;
  /** What the server sent before closing. */
  received: string;
  readonly socket: net.Socket;
}

/** Opens a connection that sends `first`, then `drip` every 100 ms until the server closes it. */
function slowClient(url: string, first: string, drip: string): Promise<SlowClient> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(first);
      const timer = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(drip);
      }, 100);
      socket.on('close', () => {
        clearInterval(timer);
        client.closedAfterMs = Date.now() - started;
      });
      resolve(client);
    });
    const client: SlowClient = { received: '', socket };
    socket.on('data', (chunk) => (client.received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25));
}

async function get(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

interface Target {
  readonly name: string;
  start(limits: ServerLimits): Promise<{ url: string; close(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'the bot webhook server',
    async start(limits) {
      const handler = createWebhookHandler({
        path: '/api/github/webhooks',
        maxBodyBytes: 1024 * 1024,
        verify: async () => false,
        onDelivery: () => 'queued',
        log: pino({ level: 'silent' }),
      });
      const server: RunningServer = await listen(handler, '127.0.0.1', 0, limits);
      return server;
    },
  },
  {
    name: 'the watcher HTTP server',
    async start(limits) {
      const server = new WatcherHttpServer(limits)
        .route('/healthz', (_req, res) => void res.writeHead(200).end('ok\n'))
        .route(
          '/api/v1/act',
          (req, res) => {
            req.resume();
            req.on('end', () => res.writeHead(204).end());
          },
          { methods: ['POST'] },
        );
      const url = await server.listen('127.0.0.1', 0);
      return { url, close: () => server.close() };
    },
  },
];

describe.each(targets)('server limits: $name', (target) => {
  const opened: SlowClient[] = [];
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    for (const client of opened.splice(0)) client.socket.destroy();
    await stop?.();
    stop = undefined;
  });

  async function started(limits: ServerLimits = LIMITS): Promise<string> {
    const server = await target.start(limits);
    stop = () => server.close();
    return server.url;
  }

  it('closes 20 slow-loris connections (headers never finished) within the headers timeout, and still serves', async () => {
    // GIVEN the server with a 600 ms headers timeout
    const url = await started();
    // WHEN 20 clients send a request line and then one header line every 100 ms
    const path = target.name.includes('bot') ? '/api/github/webhooks' : '/api/v1/act';
    const clients = await Promise.all(Array.from({ length: 20 }, () => slowClient(url, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`, 'X-Slow: 1\r\n')));
    opened.push(...clients);
    await waitUntil(() => clients.every((client) => client.closedAfterMs !== undefined), LIMITS.headersTimeoutMs! + SLACK_MS + 1_000);
    // THEN the server closed every one of them, within the timeout (plus the check interval and slack)
    const times = clients.map((client) => client.closedAfterMs);
    expect(
      times.every((ms) => ms !== undefined && ms >= LIMITS.headersTimeoutMs! - 100 && ms <= LIMITS.headersTimeoutMs! + SLACK_MS),
      `closed after ${times.join(', ')} ms`,
    ).toBe(true);
    expect(clients.every((client) => client.received === '' || /^HTTP\/1\.1 408 /.test(client.received))).toBe(true);
    // AND a normal request is still answered
    expect(await get(`${url}/healthz`)).toBe(200);
  });

  it('closes a connection whose body trickles in within the request timeout', async () => {
    const url = await started();
    const path = target.name.includes('bot') ? '/api/github/webhooks' : '/api/v1/act';
    const client = await slowClient(url, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`, ' ');
    opened.push(client);
    await waitUntil(() => client.closedAfterMs !== undefined, LIMITS.requestTimeoutMs! + SLACK_MS + 1_000);
    expect(client.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs! - 100);
    expect(client.closedAfterMs).toBeLessThanOrEqual(LIMITS.requestTimeoutMs! + SLACK_MS);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', async () => {
    const url = await started();
    // A complete request on a keep-alive connection, then nothing.
    const client = await slowClient(url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n', '');
    opened.push(client);
    // Node 20 closes an idle keep-alive socket one second after keepAliveTimeout (measured: 400 ms → ~1.4 s).
    await waitUntil(() => client.closedAfterMs !== undefined, LIMITS.keepAliveTimeoutMs! + 1_000 + SLACK_MS + 1_000);
    expect(client.received).toMatch(/^HTTP\/1\.1 200 /);
    expect(client.closedAfterMs).toBeGreaterThanOrEqual(LIMITS.keepAliveTimeoutMs!);
    expect(client.closedAfterMs).toBeLessThanOrEqual(LIMITS.keepAliveTimeoutMs! + 1_000 + SLACK_MS);
  });

  it('refuses connections over the cap, and serves again once they are gone', async () => {
    // GIVEN a cap of 5 connections, all held open by slow clients
    const url = await started({ ...LIMITS, maxConnections: 5, headersTimeoutMs: 5_000, requestTimeoutMs: 5_000 });
    const holders = await Promise.all(Array.from({ length: 5 }, () => slowClient(url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n')));
    opened.push(...holders);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // WHEN a sixth connects THEN it is closed at once, without an answer
    const extra = await slowClient(url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', '');
    opened.push(extra);
    await waitUntil(() => extra.closedAfterMs !== undefined, 1_000);
    expect(extra.closedAfterMs).toBeLessThan(1_000);
    expect(extra.received).toBe('');
    expect(holders.every((client) => client.closedAfterMs === undefined)).toBe(true);
    // AND once the holders are gone, requests are served again
    for (const client of holders) client.socket.destroy();
    await waitUntil(() => holders.every((client) => client.closedAfterMs !== undefined), 1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await get(`${url}/healthz`)).toBe(200);
  });
});
