import type { Logger } from 'pino';
import type { Decision } from '../../analysis/decide/types';
import { runCycle, type CycleInputs, type CycleReport } from './cycle';
import { WatcherHttpServer } from './http-server';
import type { ServerLimits } from '../server-limits';
import { redactMessage } from '../../clients/git/run-git';
import { createWatcherMetrics, type WatcherMetrics } from './metrics';
import type { ActuationResult } from './actuation/actuate-decisions';

/** Options of {@link WatcherService}. */
export interface WatcherServiceOptions {
  /** Loads the cycle's inputs (fetches the config repo, reads experiments, states, environments). */
  readonly loadInputs: () => Promise<CycleInputs>;
  readonly intervalSeconds: number;
  /** Tries per Prometheus query. @default 3 */
  readonly attempts?: number;
  /** Concurrent Prometheus queries. @default 8 */
  readonly concurrency?: number;
  readonly log: Logger;
  /** @default - a fresh registry with process metrics */
  readonly metrics?: WatcherMetrics;
  /** The clock, unix seconds. @default Date.now()/1000 */
  readonly now?: () => number;
  /**
   * Propose mode: acts on each cycle's decisions through pull requests (see actuation/).
   * @default - observe mode: decide and report, never act
   */
  readonly actuate?: (decisions: readonly Decision[]) => Promise<ActuationResult[]>;
  /** Timeouts and the connection cap of the HTTP server. @default - DEFAULT_SERVER_LIMITS */
  readonly serverLimits?: ServerLimits;
}

/** One experiment in one environment, as `phoenix watch --once` prints it. */
export interface ExperimentStatus {
  readonly experiment: string;
  readonly environment: string;
  readonly phase: string;
  /** Worst verdict over its candidates' newest windows. */
  readonly verdict: string;
  readonly decisions: readonly Decision[];
  /** Pull requests opened, updated or closed for it in the latest cycle (propose mode). */
  readonly proposals: readonly ActuationResult[];
}

/** What `phoenix watch --once` prints (the HTTP API is `api/`, described by docs/api/openapi.yaml). */
export interface ExperimentsResponse {
  readonly mode: 'observe' | 'propose';
  readonly cycle: Omit<CycleReport, 'decisions'> | null;
  readonly experiments: readonly ExperimentStatus[];
}

const SEVERITY: Record<string, number> = { pass: 0, inconclusive: 1, fail: 2, error: 3 };

/** Told of every cycle that finished, with what propose mode did about its decisions. */
export type CycleListener = (report: CycleReport, actuation: readonly ActuationResult[]) => void;

/**
 * The watcher: runs a cycle every `intervalSeconds`, keeps the latest decisions with their
 * evidence, and serves `/metrics`, `/healthz` and `/readyz` on one HTTP server that other parts
 * (the status page, the API) add routes to via {@link WatcherService.http}. In observe mode it
 * decides and reports; in propose mode `actuate` acts on the decisions.
 */
export class WatcherService {
  /** The HTTP server; call `http.route(path, handler)` to mount more pages before or after `listen`. */
  readonly http: WatcherHttpServer;
  readonly metrics: WatcherMetrics;
  private latestReport?: CycleReport;
  private latestActuation: ActuationResult[] = [];
  private failure?: string;
  private lastSuccess?: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<CycleReport | undefined>;
  private stopping = false;
  private readonly listeners = new Set<CycleListener>();

  constructor(private readonly options: WatcherServiceOptions) {
    this.http = new WatcherHttpServer(options.serverLimits);
    this.metrics = options.metrics ?? createWatcherMetrics();
    this.http
      .route('/metrics', async (_req, res) => {
        res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(await this.metrics.registry.metrics());
      })
      .route('/healthz', (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ok\n');
      })
      .route('/readyz', (_req, res) => {
        const ready = this.isReady();
        res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(ready ? 'ready\n' : 'no recent cycle\n');
      });
  }

  /** Whether decisions are acted on (propose) or only reported (observe). */
  get mode(): 'observe' | 'propose' {
    return this.options.actuate ? 'propose' : 'observe';
  }

  /** What propose mode did in the latest cycle. */
  get latestActuationResults(): readonly ActuationResult[] {
    return this.latestActuation;
  }

  /**
   * Why the latest cycle could not load the config repo or act on its decisions (one line, no
   * credential); undefined once a cycle loads and acts again. The status page and the API show it.
   */
  get latestFailure(): string | undefined {
    return this.failure;
  }

  /** Calls `listener` after every cycle that finished; returns the function that stops it. */
  onCycle(listener: CycleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest cycle's report, if any. */
  get latest(): CycleReport | undefined {
    return this.latestReport;
  }

  /** Ready once a cycle finished, and again only while cycles keep finishing (within three intervals). */
  isReady(): boolean {
    const now = this.options.now?.() ?? Date.now() / 1000;
    return this.lastSuccess !== undefined && now - this.lastSuccess <= 3 * this.options.intervalSeconds + 60;
  }

  /** The latest status per experiment and environment (the API's body). */
  experiments(): ExperimentsResponse {
    const report = this.latestReport;
    const groups = new Map<string, Decision[]>();
    for (const decision of report?.decisions ?? []) {
      const key = `${decision.experiment}\u0000${decision.environment}`;
      (groups.get(key) ?? groups.set(key, []).get(key)!).push(decision);
    }
    const experiments = [...groups.values()].map((decisions): ExperimentStatus => ({
      experiment: decisions[0]!.experiment,
      environment: decisions[0]!.environment,
      phase: decisions[0]!.phase,
      verdict: decisions.reduce((worst, d) => (SEVERITY[d.verdict]! > SEVERITY[worst]! ? d.verdict : worst), 'pass' as string),
      decisions,
      proposals: this.latestActuation.filter((a) => a.experiment === decisions[0]!.experiment && a.environment === decisions[0]!.environment),
    }));
    let cycle: ExperimentsResponse['cycle'] = null;
    if (report) {
      const { decisions: _omitted, ...rest } = report;
      cycle = rest;
    }
    return { mode: this.mode, cycle, experiments };
  }

  /** Runs one cycle now (waits for a cycle already running instead of starting a second). */
  async runOnce(): Promise<CycleReport | undefined> {
    if (this.running) return this.running;
    this.running = this.cycle().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Serves HTTP and runs a cycle now and every interval until {@link stop}. */
  async start(host: string, port: number): Promise<string> {
    const url = await this.http.listen(host, port);
    this.options.log.info({ url, mode: 'observe', intervalSeconds: this.options.intervalSeconds }, 'watcher listening');
    const loop = async (): Promise<void> => {
      await this.runOnce();
      if (!this.stopping) this.timer = setTimeout(() => void loop(), this.options.intervalSeconds * 1000);
    };
    void loop();
    return url;
  }

  /** Graceful stop: no new cycles, waits for the running one, closes the server. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.http.close();
    this.options.log.info('watcher stopped');
  }

  private async cycle(): Promise<CycleReport | undefined> {
    const log = this.options.log;
    const started = performance.now();
    let inputs: CycleInputs;
    try {
      inputs = await this.options.loadInputs();
    } catch (error) {
      this.metrics.cycles.inc({ outcome: 'failed' });
      const message = redactMessage((error as Error).message);
      this.failure = `cannot load the config repo: ${message}`;
      log.error({ err: { message } }, 'cannot load the config repo; keeping the previous decisions; will try again next cycle');
      return undefined;
    }
    this.failure = undefined;
    const now = this.options.now?.() ?? Date.now() / 1000;
    let report: CycleReport;
    try {
      report = await runCycle(inputs, now, {
        attempts: this.options.attempts ?? 3,
        concurrency: this.options.concurrency ?? 8,
        onQueryFailure: (endpoint, failure) => {
          this.metrics.queryErrors.inc({ kind: failure.kind });
          log.warn({ endpoint, kind: failure.kind, message: failure.message }, 'prometheus query failed');
        },
      });
    } catch (error) {
      // A long-running service must outlive one bad cycle: count it, log it, keep the last decisions.
      this.metrics.cycles.inc({ outcome: 'failed' });
      log.error({ err: { message: (error as Error).message, stack: (error as Error).stack } }, 'cycle failed; keeping the previous decisions');
      return undefined;
    }
    const seconds = (performance.now() - started) / 1000;
    this.metrics.observe(report, seconds);
    this.latestReport = report;
    this.lastSuccess = now;
    for (const problem of report.problems) log.warn({ problem }, 'cycle degraded: affected experiments are inconclusive');
    for (const d of report.decisions) {
      const entry = {
        experiment: d.experiment,
        environment: d.environment,
        variant: d.variant,
        verdict: d.verdict,
        standing: d.standing,
        action: d.action,
        reason: d.reason,
      };
      if (d.action === 'none') log.debug(entry, 'decision');
      else log.info(entry, this.options.actuate ? 'decision' : 'decision (observe mode: not acted on)');
    }
    if (this.options.actuate) {
      try {
        this.latestActuation = await this.options.actuate(report.decisions);
      } catch (error) {
        // Leader election or the config repo failed: nothing was proposed; the next cycle tries again.
        const message = redactMessage((error as Error).message);
        this.failure = `acting on the decisions failed: ${message}`;
        log.error({ err: { message } }, 'acting on the decisions failed; will try again next cycle');
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(report, this.latestActuation);
      } catch (error) {
        log.warn({ err: { message: (error as Error).message } }, 'a cycle listener failed');
      }
    }
    log.info(
      {
        seconds: Math.round(seconds * 1000) / 1000,
        decisions: report.decisions.length,
        queries: report.queries,
        queryFailures: report.queryFailures,
        decideMillis: Math.round(report.decideMillis),
      },
      'cycle finished',
    );
    return report;
  }
}
