import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { WindowResult } from '../../../analysis/decide/types';
import type { EnvironmentLifecycle } from '../../../constructs/experiment/definition';
import { parseExperimentState } from '../../../constructs/experiment/state';
import type { WatcherConfig } from '../config';
import type { ActuationResult } from '../actuation/actuate-decisions';
import type { CycleReport } from '../cycle';
import type { WatcherHttpServer } from '../http-server';
import { readManifests } from '../repo-inputs';
import { buildStatusView, historyKey, type DecisionRecordRef, type StatusInputs } from './build-status-view';
import { mountStatusPage, type StatusSource } from './mount-status-page';
import type { PullRequestView, StatusView } from './view-model';

/** Options of {@link WatcherStatusSource}. */
export interface WatcherStatusSourceOptions {
  /** The watcher's latest cycle report. */
  readonly report: () => CycleReport | undefined;
  /** What propose mode did with the latest cycle's decisions (failed proposals carry their one-line error). @default - nothing */
  readonly actuation?: () => readonly ActuationResult[];
  /** Why the latest cycle could not load the config repo or act, one line. @default - never */
  readonly failure?: () => string | undefined;
  /** The watcher's clone of the config repo (state files, decision records, committed tree). @default - no repo data */
  readonly repoDir?: string;
  /** @default 'experiments' */
  readonly experimentsDir?: string;
  /** @default 'gitops' */
  readonly gitopsDir?: string;
  /** Watched environments in promotion order; others in the state files are left out. @default - every environment seen */
  readonly environments?: readonly string[];
  /** Web address of the config repo, for links to decision records and proposal branches. @default - no links */
  readonly repoWebUrl?: string;
  /** @default 'main' */
  readonly repoBranch?: string;
  /** Pull requests known by branch. @default - none known */
  readonly pullRequests?: () => ReadonlyMap<string, PullRequestView> | Promise<ReadonlyMap<string, PullRequestView>>;
  /** The watcher pushes proposal branches (propose mode, not a dry run). @default false */
  readonly proposalsPushed?: boolean;
  /** Windows kept per candidate for the cost charts. @default 288 */
  readonly maxWindows?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

interface RepoData {
  readonly states: NonNullable<StatusInputs['states']>;
  readonly records: DecisionRecordRef[];
  readonly guardrailQueries: NonNullable<StatusInputs['guardrailQueries']>;
  readonly problems: string[];
}

/**
 * The status page's data from a running watcher: its latest decisions, the windows of earlier
 * cycles (kept in memory, bounded), and the state files and decision records of its clone of the
 * config repo (read again only when a new cycle finished, since the clone moves only then).
 */
export class WatcherStatusSource implements StatusSource {
  private readonly history = new Map<string, Map<number, WindowResult>>();
  private seen?: CycleReport;
  private repo?: RepoData;

  constructor(private readonly options: WatcherStatusSourceOptions) {}

  async view(): Promise<StatusView> {
    const report = this.options.report();
    if (!this.repo || report !== this.seen) {
      this.seen = report;
      if (report) this.remember(report);
      this.repo = this.readRepo();
    }
    const repo = this.repo;
    const failure = this.options.failure?.();
    const proposalErrors = new Map<string, string>();
    for (const result of this.options.actuation?.() ?? []) {
      if (result.error) proposalErrors.set(historyKey(result.experiment, result.environment, result.variant), result.error);
    }
    return buildStatusView({
      generatedAt: (this.options.now?.() ?? new Date()).toISOString(),
      decisions: report?.decisions ?? [],
      windowHistory: new Map([...this.history].map(([key, windows]) => [key, [...windows.values()]])),
      states: repo.states,
      guardrailQueries: repo.guardrailQueries,
      decisionRecords: repo.records,
      ...(this.options.environments ? { environmentOrder: this.options.environments } : {}),
      ...(this.options.pullRequests ? { pullRequests: await this.options.pullRequests() } : {}),
      proposalsPushed: this.options.proposalsPushed ?? false,
      ...(this.options.repoWebUrl ? { repoWebUrl: this.options.repoWebUrl } : {}),
      ...(this.options.repoBranch ? { repoBranch: this.options.repoBranch } : {}),
      proposalErrors,
      // A failure every proposal shares (credentials, rights, an App not installed) is one line here.
      problems: [
        ...(failure ? [failure] : []),
        ...(report?.problems ?? []),
        ...new Set([...proposalErrors.values()].map((e) => `not proposed: ${e}`)),
        ...repo.problems,
      ],
      ...(report ? { lastCycleAt: report.finishedAt } : {}),
    });
  }

  private remember(report: CycleReport): void {
    const max = this.options.maxWindows ?? 288;
    for (const decision of report.decisions) {
      const key = historyKey(decision.experiment, decision.environment, decision.variant);
      const windows = this.history.get(key) ?? this.history.set(key, new Map()).get(key)!;
      for (const w of decision.windows) if (w.baselineCost || w.candidateCost) windows.set(w.start, w);
      const starts = [...windows.keys()].sort((a, b) => a - b);
      for (const start of starts.slice(0, Math.max(0, starts.length - max))) windows.delete(start);
    }
  }

  private readRepo(): RepoData {
    const data: RepoData = { states: {}, records: [], guardrailQueries: {}, problems: [] };
    const dir = this.options.repoDir;
    if (!dir || !existsSync(dir)) return data;
    const experimentsDir = this.options.experimentsDir ?? 'experiments';
    const watched = this.options.environments;
    const states = data.states as Record<string, Record<string, EnvironmentLifecycle>>;
    for (const file of list(path.join(dir, experimentsDir)).filter((f) => f.endsWith('.state.yaml'))) {
      const relative = `${experimentsDir}/${file}`;
      try {
        const state = parseExperimentState(readFileSync(path.join(dir, relative), 'utf8'), relative);
        const environments = Object.entries(state.environments).filter(([env]) => !watched || watched.includes(env));
        if (environments.length > 0) states[file.slice(0, -'.state.yaml'.length)] = Object.fromEntries(environments);
      } catch (error) {
        data.problems.push(`${(error as Error).message.split('\n')[0]} (the status page leaves this experiment out)`);
      }
    }
    const decisionsDir = path.join(dir, experimentsDir, 'decisions');
    for (const experiment of list(decisionsDir)) {
      for (const file of list(path.join(decisionsDir, experiment)).filter((f) => f.endsWith('.json'))) {
        const record = readRecord(path.join(decisionsDir, experiment, file));
        if (!record || (watched && !watched.includes(record.environment))) continue;
        data.records.push({ ...record, experiment, path: `${experimentsDir}/decisions/${experiment}/${file}` });
      }
    }
    const queries = data.guardrailQueries as Record<string, Record<string, Record<string, string>>>;
    const gitopsExperiments = path.join(dir, this.options.gitopsDir ?? 'gitops', 'experiments');
    for (const environment of list(gitopsExperiments).filter((env) => !watched || watched.includes(env))) {
      for (const manifest of readManifests(path.join(gitopsExperiments, environment))) {
        (queries[manifest.name] ??= {})[environment] = Object.fromEntries(manifest.guardrails.queries.map((q) => [q.name, q.expr]));
      }
    }
    return data;
  }
}

/** The fields of a decision record the page shows; undefined for a file that is not one (a person's note). */
function readRecord(file: string): Omit<DecisionRecordRef, 'experiment' | 'path'> | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as {
      kind?: string;
      environment?: string;
      action?: string;
      decidedAt?: string;
      variant?: string;
      decision?: { verdict?: string };
    };
    if (typeof record.environment !== 'string' || typeof record.action !== 'string' || typeof record.decidedAt !== 'string') return undefined;
    return {
      environment: record.environment,
      action: record.action,
      decidedAt: record.decidedAt,
      ...(typeof record.variant === 'string' ? { variant: record.variant } : {}),
      ...(typeof record.decision?.verdict === 'string' ? { verdict: record.decision.verdict } : {}),
    };
  } catch {
    return undefined;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/**
 * The web address of a git remote on a forge (`https://host/owner/repo(.git)` or
 * `git@host:owner/repo.git` → `https://host/owner/repo`), credentials removed; undefined for local paths.
 */
export function repoWebUrlOf(remote: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const url = new URL(remote);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return `${url.protocol}//${url.host}${url.pathname.replace(/\.git\/?$/, '').replace(/\/$/, '')}`;
  } catch {
    return undefined;
  }
}

/** What the watch command passes to {@link mountWatcherStatusPage}. */
export interface WatcherStatusPageOptions {
  /** Pull requests known by branch. @default - none known */
  readonly pullRequests?: WatcherStatusSourceOptions['pullRequests'];
  /** The watcher pushes proposal branches (propose mode, not a dry run): only then are they linked. @default false */
  readonly proposalsPushed?: boolean;
  /** @default - $PHOENIX_REPO_WEB_URL, else derived from repository.url */
  readonly repoWebUrl?: string;
  /** @default 30 */
  readonly refreshSeconds?: number;
  /** The API's Server-Sent Events address, when the API is mounted: pages refresh on events. @default - polling */
  readonly eventsPath?: string;
}

/**
 * Mounts the status page on a watcher service's server, reading the config repo clone the watcher
 * keeps in `repository.workDir`. One call from the watch command's start-up.
 */
export function mountWatcherStatusPage(
  service: {
    readonly http: WatcherHttpServer;
    readonly latest: CycleReport | undefined;
    readonly latestActuationResults?: readonly ActuationResult[];
    readonly latestFailure?: string;
  },
  config: WatcherConfig,
  options: WatcherStatusPageOptions = {},
): WatcherStatusSource {
  const repoWebUrl = options.repoWebUrl ?? process.env.PHOENIX_REPO_WEB_URL ?? repoWebUrlOf(config.repository.url);
  const source = new WatcherStatusSource({
    report: () => service.latest,
    actuation: () => service.latestActuationResults ?? [],
    failure: () => service.latestFailure,
    repoDir: config.repository.workDir,
    experimentsDir: config.repository.experimentsDir,
    environments: Object.keys(config.environments),
    repoBranch: config.repository.branch,
    ...(repoWebUrl ? { repoWebUrl: repoWebUrl.replace(/\/$/, '') } : {}),
    ...(options.pullRequests ? { pullRequests: options.pullRequests } : {}),
    proposalsPushed: options.proposalsPushed ?? false,
  });
  mountStatusPage(service.http, source, { refreshSeconds: options.refreshSeconds ?? 30, ...(options.eventsPath ? { eventsPath: options.eventsPath } : {}) });
  return source;
}
