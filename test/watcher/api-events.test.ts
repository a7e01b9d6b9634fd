import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mountApi } from '../../app/watcher/api/mount-api';
import { WatcherHttpServer } from '../../app/watcher/http-server';
import { buildStatusView } from '../../app/watcher/status-page/build-status-view';
import { apiFetch, validateServedAnswers, type ServedAnswers } from '../support/api-contract';

/** A raw stream request that never reads its answer (a stuck client); resolves once the headers came. */
function stuckClient(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    socket.once('data', () => {
      socket.pause();
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

describe('the API event stream, bounded', () => {
  let server: WatcherHttpServer | undefined;
  let served: ServedAnswers;
  const sockets: net.Socket[] = [];

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.close();
    server = undefined;
    expect(await served.problems()).toEqual([]);
  });

  async function start(events: { maxClients?: number }) {
    server = new WatcherHttpServer();
    served = validateServedAnswers(server);
    const view = buildStatusView({ generatedAt: '2026-11-25T11:00:00Z', decisions: [], states: {}, environmentOrder: ['dev'] });
    const api = mountApi(server, { source: { view: () => view }, report: () => undefined, mode: () => 'observe', ready: () => false, events });
    const base = await server.listen('127.0.0.1', 0);
    return { api, base, port: Number(new URL(base).port) };
  }

  it('drops a client that stopped reading once its backlog passes 1 MiB', async () => {
    // GIVEN a client that never reads
    const { api, port } = await start({});
    const stuck = await stuckClient(port);
    sockets.push(stuck);
    expect(api.events.size).toBe(1);
    // WHEN events worth several MiB are published
    const problems = Array.from({ length: 2000 }, (_, i) => i);
    for (let i = 0; i < 400 && api.events.size > 0; i += 1) {
      api.events.publish('cycle-finished', { finishedAt: '2026-11-25T11:00:00.000Z', decisions: i, problems: problems.length });
      api.events.publish('verdict-changed', {
        experiment: 'x'.repeat(16 * 1024),
        environment: 'dev',
        from: 'pass',
        to: 'fail',
        at: '2026-11-25T11:00:00.000Z',
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
    // THEN the server ended that stream instead of buffering without bound
    expect(api.events.size).toBe(0);
    expect(stuck.bytesRead).toBeLessThan(1 << 20);
  });

  it('refuses streams past the limit with 503 and Retry-After, and ends every stream when the server closes', async () => {
    const { api, base, port } = await start({ maxClients: 2 });
    for (let i = 0; i < 2; i += 1) sockets.push(await stuckClient(port));
    expect(api.events.size).toBe(2);
    const refused = await apiFetch<{ error: { code: string } }>(base, '/api/v1/events');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('too_many_streams');
    expect(refused.headers.get('retry-after')).toBe('30');
    // WHEN the server closes, it does not wait for the open streams
    const closing = server!.close();
    await expect(Promise.race([closing.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('hung'), 5000))])).resolves.toBe('closed');
    expect(api.events.size).toBe(0);
  });
});
