import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WatcherHttpServer } from '../http-server';
import { mountStatusPage } from './mount-status-page';
import type { StatusView } from './view-model';

const view: StatusView = {
  generatedAt: '2026-11-25T12:00:00Z',
  promotedSavings: [],
  environments: [
    {
      name: 'dev',
      experiments: [
        { name: 'a/b <c>', environment: 'dev', phase: 'running', verdict: 'pass', variants: [], costHistory: [], guardrails: [], health: [], decisions: [] },
      ],
    },
  ],
};

describe('mountStatusPage', () => {
  const server = new WatcherHttpServer();
  afterEach(() => server.close());

  it('serves the overview and experiment pages as uncached HTML whose inline script and style the CSP allows by hash', async () => {
    // GIVEN the page mounted on a watcher server
    mountStatusPage(server, { view: () => view });
    const url = await server.listen('127.0.0.1', 0);
    // WHEN the overview is fetched
    const response = await fetch(`${url}/`);
    const body = await response.text();
    // THEN the headers are strict and the CSP names exactly the page's inline script and style
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const csp = response.headers.get('content-security-policy')!;
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(/<script>([\s\S]*?)<\/script>/.exec(body)![1]!)}`);
    expect(csp).toContain(`style-src ${hash(/<style>([\s\S]*?)<\/style>/.exec(body)![1]!)}`);
    expect(csp).toMatch(/default-src 'none'/);
    expect(body).not.toMatch(/ style="/);
    // and an experiment whose name holds a slash and markup has its own page
    const page = await fetch(`${url}/experiments/dev/${encodeURIComponent('a/b <c>')}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>a/b &lt;c&gt; in dev</h1>');
    expect((await fetch(`${url}/`, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers a 404 page for an unknown experiment or a malformed address', async () => {
    mountStatusPage(server, { view: () => view });
    const url = await server.listen('127.0.0.1', 0);
    for (const address of ['/experiments/dev/nope', '/experiments/prod/a', '/experiments/dev/%E0%A4%A', '/experiments/dev']) {
      const response = await fetch(`${url}${address}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await response.text()).toContain('<h1>Not found</h1>');
    }
  });
});
