/**
 * The status page end to end: the watcher (real git config repo, real Prometheus backfilled with the
 * watcher scenarios, the real Kubernetes client against a fake API) serves it on a loopback port,
 * and Debian's chromium, driven by playwright-core, looks at it as a person would.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWatcherConfig } from '../../app/watcher/config';
import { loadRepoInputs } from '../../app/watcher/repo-inputs';
import { WatcherService } from '../../app/watcher/service';
import { mountApi } from '../../app/watcher/api/mount-api';
import { WatcherHttpServer } from '../../app/watcher/http-server';
import { mountStatusPage } from '../../app/watcher/status-page/mount-status-page';
import { mountWatcherStatusPage, type WatcherStatusSource } from '../../app/watcher/status-page/watcher-status-source';
import { apiFetch, validateServedAnswers } from '../support/api-contract';
import type { FakeKubeApi } from '../support/fake-kube-api';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';
import { git } from '../support/git';
import { createWatcherRepo } from '../support/watcher-repo';
import { buildScenarioSet, type ScenarioSet } from '../support/watcher-scenarios';
import { spawnWatcher, startFluxApi, writeWatcherConfig } from '../support/watcher-setup';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = '<script>';
const PR_URL = 'https://github.example/acme/metrics-config/pull/42';

/** Adds a promoted experiment with a hostile name (state file with a frozen saving and its decision record) to the config repo. */
function addPromotedHostileExperiment(remote: string, scratch: string): string {
  const work = path.join(scratch, 'more');
  git(scratch, 'clone', '--quiet', remote, work);
  const record = `experiments/decisions/${HOSTILE}/dev-20261101T100000Z-promote.json`;
  mkdirSync(path.join(work, path.dirname(record)), { recursive: true });
  writeFileSync(
    path.join(work, `experiments/${HOSTILE}.state.yaml`),
    [
      'version: 1',
      'environments:',
      '  dev:',
      '    phase: promoted',
      '    variant: by-route',
      "    reason: '\"><img src=x onerror=alert(2)>'",
      `    decisionRecord: ${record}`,
      "    since: '2026-11-01T10:00:00Z'",
      '    frozenSaving: { seriesBefore: 9000, seriesAfter: 3000, monthlySaving: "1234.50", currency: USD }',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(work, record),
    JSON.stringify({
      kind: 'PhoenixDecisionRecord',
      version: 1,
      experiment: HOSTILE,
      environment: 'dev',
      action: 'promote',
      variant: 'x',
      decidedAt: '2026-11-01T10:00:00Z',
      decidedBy: 'phoenix-watcher',
      reason: 'won',
    }),
  );
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', 'promote');
  git(work, 'push', '--quiet', 'origin', 'main');
  return git(work, 'rev-parse', 'HEAD');
}

/** Decodes a PNG's pixel rows (after zlib) and counts the distinct bytes: a blank page has a handful. */
function distinctBytesOfPng(png: Buffer): number {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  const idat: Buffer[] = [];
  for (let offset = 8; offset < png.length;) {
    const length = png.readUInt32BE(offset);
    const type = png.subarray(offset + 4, offset + 8).toString('latin1');
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  return new Set(inflateSync(Buffer.concat(idat))).size;
}

describe('status page in a real browser', () => {
  let prometheus: TestPrometheus;
  let kube: FakeKubeApi;
  let set: ScenarioSet;
  let service: WatcherService;
  let browser: Browser;
  let url: string;
  let cliConfigFile: string;
  let source: WatcherStatusSource;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: the status page is tested in Debian's chromium (apt-get install chromium)`);
    set = buildScenarioSet({ win: 'clear-win', broken: 'guardrail-broken' });
    prometheus = await startPrometheus({ openMetrics: set.openMetrics() });
    const repo = createWatcherRepo(set, prometheus.url);
    const head = addPromotedHostileExperiment(repo.remote, repo.scratch);
    const since = set.experiments[0]!.environments.dev!.lifecycle.since!;
    kube = await startFluxApi(repo.scratch, { win: `main@sha1:${head}`, broken: `main@sha1:${head}` }, since);
    const configFile = writeWatcherConfig(path.join(repo.scratch, 'watcher.yaml'), { url: repo.remote });
    cliConfigFile = writeWatcherConfig(path.join(repo.scratch, 'watcher-cli.yaml'), {
      url: repo.remote,
      workDir: './work-cli',
      settings: ['server: { host: 127.0.0.1, port: 0 }'],
    });
    const config = loadWatcherConfig(configFile);
    service = new WatcherService({
      loadInputs: () => loadRepoInputs(config),
      intervalSeconds: 60,
      attempts: 2,
      log: pino({ level: 'silent' }),
      now: () => set.now,
    });
    source = mountWatcherStatusPage(service, config, {
      repoWebUrl: 'https://github.example/acme/metrics-config',
      refreshSeconds: 1,
      pullRequests: () => new Map([['phoenix/promote/win/dev', { url: PR_URL, state: 'open' as const, title: 'Promote by-route of win in dev' }]]),
    });
    url = await service.http.listen('127.0.0.1', 0);
    await service.runOnce();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await prometheus?.stop();
    await kube?.stop();
  });

  async function phonePage(javaScriptEnabled: boolean): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    return { page, problems };
  }

  function row(page: Page, experiment: string) {
    return page.locator('tr.experiment').filter({ has: page.getByRole('link', { name: experiment, exact: true }) });
  }

  it('shows every experiment with its verdict, saving and pull request, readable on a phone', async () => {
    // GIVEN a phone-sized browser with JavaScript on
    const { page, problems } = await phonePage(true);
    // WHEN a person opens the status page
    const response = await page.goto(`${url}/`);
    // THEN it is served as strict, uncached HTML
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-type']).toBe('text/html; charset=utf-8');
    expect(response!.headers()['cache-control']).toBe('no-store');
    expect(response!.headers()['content-security-policy']).toMatch(/default-src 'none'.*script-src 'sha256-/);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Phoenix experiments');
    // and shows each experiment's verdict
    expect(await row(page, 'win').locator('.verdict').textContent()).toBe('pass');
    expect(await row(page, 'broken').locator('.verdict').textContent()).toBe('fail');
    expect(await row(page, 'win').textContent()).toMatch(/60\.0% \(by-route\)/);
    // and the link to the pull request; in observe mode a proposal is named, never linked (its branch does not exist)
    expect(await row(page, 'win').getByRole('link', { name: 'Promote by-route of win in dev' }).getAttribute('href')).toBe(PR_URL);
    expect(await row(page, 'broken').getByRole('link', { name: 'phoenix/rollback/broken/dev' }).count()).toBe(0);
    expect(await row(page, 'broken').textContent()).toMatch(/would propose phoenix\/rollback\/broken\/dev \(observe mode\)/);
    // and a running experiment's saving is projected, not saved
    expect(await row(page, 'win').locator('[data-label="Projected / month"]').textContent()).toMatch(/USD \(by-route\)/);
    expect(await row(page, 'win').locator('[data-label="Saved / month"]').textContent()).toBe('–');
    // and the money saved by promoted experiments
    expect(await page.locator('.totals').textContent()).toContain('1,234.50 USD per month');
    // and fits a 390 px screen without scrolling sideways
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // and the screenshot is not blank
    const shot = await page.screenshot({ fullPage: true });
    const blankPage = await (await browser.newPage({ viewport: { width: 390, height: 844 } })).screenshot();
    expect(distinctBytesOfPng(shot)).toBeGreaterThan(3 * distinctBytesOfPng(blankPage));
    expect(shot.length).toBeGreaterThan(5 * blankPage.length);
    expect(problems).toEqual([]);
  });

  it('shows an experiment with one chart line per variant, guardrails, health and its decisions', async () => {
    const { page, problems } = await phonePage(true);
    await page.goto(`${url}/`);
    // WHEN a person follows the experiment's link
    await page.getByRole('link', { name: 'win', exact: true }).click();
    await page.waitForURL(`${url}/experiments/dev/win`);
    // THEN the cost chart has one labelled line per variant
    const chart = page.getByRole('img', { name: /Active series per window — win in dev/ });
    await chart.waitFor();
    expect(await chart.locator('g.series').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-series')))).toEqual(['baseline', 'by-route']);
    expect(await chart.locator('g.series polyline').count()).toBeGreaterThanOrEqual(2);
    // and the guardrails with the baseline's and the candidate's values, and collector health
    const guardrails = page.locator('section[aria-labelledby="guardrails"]');
    expect(await guardrails.locator('th[scope="col"]').allTextContents()).toEqual(['Query', 'baseline', 'by-route', 'Verdict']);
    expect(await guardrails.textContent()).toContain('sum by (route) (rate(http_requests_total[5m]))');
    expect(await page.locator('section[aria-labelledby="health"] tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('section[aria-labelledby="decisions"] li').first().textContent()).toMatch(/promote by-route \(pass\)/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(problems).toEqual([]);
  });

  it('shows the same content without JavaScript', async () => {
    // (served without the one-second reload of the other pages, which would race the assertions)
    const still = new WatcherHttpServer();
    mountStatusPage(still, source, { refreshSeconds: 3600 });
    const stillUrl = await still.listen('127.0.0.1', 0);
    try {
      const { page } = await phonePage(false);
      await page.goto(`${stillUrl}/`);
      expect(await row(page, 'win').locator('.verdict').textContent()).toBe('pass');
      expect(await row(page, 'win').getByRole('link', { name: 'Promote by-route of win in dev' }).getAttribute('href')).toBe(PR_URL);
      await page.goto(`${stillUrl}/experiments/dev/win`);
      expect(await page.locator('svg[role="img"]').first().locator('g.series').count()).toBe(2);
      await page.context().close();
    } finally {
      await still.close();
    }
  });

  it('renders a hostile experiment name as text and links its decision record', async () => {
    const { page, problems } = await phonePage(true);
    await page.goto(`${url}/`);
    // THEN the name shows as typed and no markup from it runs
    const link = page.getByRole('link', { name: HOSTILE, exact: true });
    expect(await link.getAttribute('href')).toBe('experiments/dev/%3Cscript%3E');
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    await link.click();
    await page.waitForURL(/experiments\/dev\/%3Cscript%3E$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('<script> in dev');
    expect(await page.locator('main').textContent()).toContain('"><img src=x onerror=alert(2)>');
    expect(await page.locator('.frozen').textContent()).toContain('1,234.50 USD per month');
    expect(await page.getByRole('link', { name: 'decision record' }).getAttribute('href')).toBe(
      'https://github.example/acme/metrics-config/blob/main/experiments/decisions/%3Cscript%3E/dev-20261101T100000Z-promote.json',
    );
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('refreshes in place when JavaScript is on, and answers 404 for an unknown experiment', async () => {
    const { page, problems } = await phonePage(true);
    await page.goto(`${url}/`);
    const before = await page.locator('.cycle time').getAttribute('datetime');
    // WHEN another cycle finishes
    await service.runOnce();
    // THEN the open page shows it without a reload
    await page.waitForFunction((old) => document.querySelector('.cycle time')?.getAttribute('datetime') !== old, before, { timeout: 10_000 });
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    expect(problems).toEqual([]);
    const missing = await page.goto(`${url}/experiments/dev/nope`);
    expect(missing!.status()).toBe(404);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not found');
  });

  it('updates from the API Server-Sent Events instead of polling, under the same strict CSP', async () => {
    // GIVEN the status page and the API on one server, polling set to an hour so only an event can refresh it
    const live = new WatcherHttpServer();
    // (what the browser receives from the API, its event stream included, is checked against the contract)
    const served = validateServedAnswers(live);
    mountStatusPage(live, source, { refreshSeconds: 3600, eventsPath: '/api/v1/events' });
    const api = mountApi(live, { source, report: () => service.latest, mode: () => 'observe', ready: () => true });
    const liveUrl = await live.listen('127.0.0.1', 0);
    try {
      const { page, problems } = await phonePage(true);
      const response = await page.goto(`${liveUrl}/`);
      expect(response!.headers()['content-security-policy']).toMatch(/connect-src 'self'/);
      await page.waitForFunction(() => document.documentElement.getAttribute('data-live') === 'events', undefined, { timeout: 10_000 });
      const before = await page.locator('.cycle time').getAttribute('datetime');
      // WHEN a cycle finishes and the API announces it
      const report = await service.runOnce();
      api.publishCycle(report!, []);
      // THEN the open page shows the new cycle without a reload
      await page.waitForFunction((old) => document.querySelector('.cycle time')?.getAttribute('datetime') !== old, before, { timeout: 10_000 });
      expect(await page.locator('.cycle time').getAttribute('datetime')).toBe(report!.finishedAt);
      expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
      expect(await page.evaluate(() => document.documentElement.getAttribute('data-live'))).toBe('events');
      expect(problems).toEqual([]);
      await page.context().close();
    } finally {
      await live.close();
    }
    expect(served.count).toBeGreaterThan(0);
    expect(await served.problems()).toEqual([]);
  });

  it('polls instead when the event stream is refused', async () => {
    // GIVEN an API that refuses every stream (503 too_many_streams), and a page polling every second
    const live = new WatcherHttpServer();
    const served = validateServedAnswers(live);
    mountStatusPage(live, source, { refreshSeconds: 1, eventsPath: '/api/v1/events' });
    mountApi(live, { source, report: () => service.latest, mode: () => 'observe', ready: () => true, events: { maxClients: 0 } });
    const liveUrl = await live.listen('127.0.0.1', 0);
    try {
      const { page } = await phonePage(true);
      await page.goto(`${liveUrl}/`);
      // THEN it falls back to polling, and a finished cycle still shows without a reload
      await page.waitForFunction(() => document.documentElement.getAttribute('data-live') === 'polling', undefined, { timeout: 10_000 });
      const before = await page.locator('.cycle time').getAttribute('datetime');
      await service.runOnce();
      await page.waitForFunction((old) => document.querySelector('.cycle time')?.getAttribute('datetime') !== old, before, { timeout: 10_000 });
      expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
      await page.context().close();
    } finally {
      await live.close();
    }
    expect(await served.problems()).toEqual([]);
  });

  it('reloads itself without JavaScript', async () => {
    const { page } = await phonePage(false);
    let loads = 0;
    page.on('load', () => (loads += 1));
    await page.goto(`${url}/`);
    const before = await page.locator('.cycle time').getAttribute('datetime');
    // WHEN another cycle finishes
    await service.runOnce();
    // THEN the page shows it after its own reload (refreshSeconds is 1 here)
    await expect.poll(async () => page.locator('.cycle time').getAttribute('datetime'), { timeout: 10_000 }).not.toBe(before);
    expect(loads).toBeGreaterThan(1);
    await page.context().close();
  });

  it('phoenix status --config prints the same truth from the repository and Prometheus, without a watcher', async () => {
    // (asynchronously: the Kubernetes API fake answers from this process)
    const phoenix = (...args: string[]) =>
      promisify(execFile)(path.join(__dirname, '..', '..', 'bin', 'phoenix'), args, { encoding: 'utf8', timeout: 120_000 }).then(
        ({ stdout, stderr }) => ({ status: 0 as number | null, stdout, stderr }),
        (error: { code?: number | string; stdout: string; stderr: string }) => ({
          status: typeof error.code === 'number' ? error.code : null,
          stdout: error.stdout,
          stderr: error.stderr,
        }),
      );
    // WHEN a person runs phoenix status with the watcher's config (a cycle at the real time)
    const result = await phoenix('status', '--config', cliConfigFile, '--format', 'json', '--log-level', 'silent');
    expect(result.status, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<{
      experiment: string;
      environment: string;
      phase: string;
      verdict: string;
      projectedSaving?: string;
      realizedSaving?: string;
      pullRequests: string[];
    }>;
    // THEN every experiment × environment is listed; the promoted one has its realized saving and no verdict
    expect(rows.map((r) => [r.experiment, r.environment, r.phase]).sort()).toEqual([
      [HOSTILE, 'dev', 'promoted'],
      ['broken', 'dev', 'running'],
      ['win', 'dev', 'running'],
    ]);
    expect(rows.find((r) => r.experiment === HOSTILE)).toMatchObject({ verdict: 'none', realizedSaving: '1234.50 USD', pullRequests: [] });
    expect(rows.find((r) => r.experiment === HOSTILE)!.projectedSaving).toBeUndefined();
    // the running ones were measured (the backfilled data lies in the past, so at the real time: inconclusive) and saved nothing yet
    for (const name of ['win', 'broken']) expect(rows.find((r) => r.experiment === name)).toMatchObject({ verdict: 'inconclusive' });
    expect(rows.filter((r) => r.realizedSaving !== undefined).map((r) => r.experiment)).toEqual([HOSTILE]);
    // and as a table
    const text = await phoenix('status', '--config', cliConfigFile, '--env', 'dev', '--log-level', 'silent');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^EXPERIMENT\s+ENV\s+PHASE\s+VERDICT\s+PROJECTED\/MONTH\s+SAVED\/MONTH\s+PULL REQUEST$/);
    expect(text.stdout).toMatch(/promoted\s+none\s+-\s+1234\.50 USD/);
    // and a wrong call is a usage error
    expect((await phoenix('status')).status).toBe(2);
  });

  it('is served by `phoenix watch` on its own port', async () => {
    // GIVEN the CLI running the watcher as its own process
    const { child, listening } = spawnWatcher(cliConfigFile);
    try {
      // WHEN its first cycle finished and a person opens its root address
      const base = await listening;
      while ((await fetch(`${base}/readyz`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      const { page } = await phonePage(true);
      const response = await page.goto(`${base}/`);
      // THEN the status page answers, with the promoted experiment's saving from the config repo
      expect(response!.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Phoenix experiments');
      expect(await page.locator('.totals').textContent()).toContain('1,234.50 USD per month');
      // and its API answers real decisions with their evidence as the contract describes them
      const api = await apiFetch<{ experiments: Array<{ name: string; environments: Array<{ decisions: Array<{ evidence: unknown }> }> }> }>(
        base,
        '/api/v1/experiments',
      );
      expect(api.body.experiments.find((e) => e.name === 'win')!.environments[0]!.decisions[0]!.evidence).toBeDefined();
      expect((await apiFetch(base, `/api/v1/experiments/${encodeURIComponent(HOSTILE)}/decisions`)).status).toBe(200);
      expect((await apiFetch(base, '/api/v1/experiments/win/environments/dev/pause', { method: 'POST' })).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
