/**
 * The bot's work queue: one review per (repository, pull request, head SHA), at most `concurrency`
 * at a time. A job for a head that is queued, running or already done is dropped; a job for a new
 * head replaces the queued one of that pull request and aborts the running one (its signal fires),
 * so a stale review never finishes after a newer push.
 */

/** One pull request head to review. */
export interface ReviewJob {
  /** `owner/name` of the base repository. */
  readonly repository: string;
  readonly pullNumber: number;
  readonly headSha: string;
  /** Installation to act as. @default - looked up from the repository */
  readonly installationId?: number;
  /** Where the repository is fetched from. @default - from the config */
  readonly cloneUrl?: string;
  /** Why the job exists (`pull_request.synchronize`, `sweep`). */
  readonly reason: string;
}

/** Runs one job; must stop early (throwing or returning) when `signal` is aborted. */
export type JobRunner = (job: ReviewJob, signal: AbortSignal) => Promise<void>;

/** What `enqueue` did. */
export type EnqueueOutcome = 'queued' | 'replaced-queued' | 'cancelled-running' | 'duplicate';

function pullKey(job: Pick<ReviewJob, 'repository' | 'pullNumber'>): string {
  return `${job.repository.toLowerCase()}#${job.pullNumber}`;
}

export class ReviewQueue {
  private readonly queued = new Map<string, ReviewJob>();
  private readonly running = new Map<string, { job: ReviewJob; controller: AbortController }>();
  private readonly done = new Set<string>();
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly run: JobRunner,
    private readonly concurrency: number,
    private readonly onError: (job: ReviewJob, error: unknown) => void,
    /** How many finished heads are remembered. @default 10000 */
    private readonly remember = 10_000,
  ) {}

  /** Adds a job (see the module doc for de-duplication and cancellation). */
  enqueue(job: ReviewJob): EnqueueOutcome {
    const key = pullKey(job);
    const headKey = `${key}@${job.headSha}`;
    if (this.done.has(headKey) || this.queued.get(key)?.headSha === job.headSha || this.running.get(key)?.job.headSha === job.headSha) return 'duplicate';
    let outcome: EnqueueOutcome = 'queued';
    if (this.queued.has(key)) outcome = 'replaced-queued';
    const active = this.running.get(key);
    if (active) {
      active.controller.abort(new Error(`pull request ${key} has a new head ${job.headSha}`));
      outcome = 'cancelled-running';
    }
    this.queued.delete(key);
    this.queued.set(key, job);
    this.pump();
    return outcome;
  }

  /** Forgets that a head was reviewed (so a sweep may review it again). */
  forget(job: Pick<ReviewJob, 'repository' | 'pullNumber' | 'headSha'>): void {
    this.done.delete(`${pullKey(job)}@${job.headSha}`);
  }

  /** Number of queued plus running jobs. */
  get size(): number {
    return this.queued.size + this.running.size;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private pump(): void {
    for (const [key, job] of this.queued) {
      if (this.running.size >= this.concurrency) return;
      if (this.running.has(key)) continue; // waits for the aborted run of the same pull request to stop
      this.queued.delete(key);
      const controller = new AbortController();
      this.running.set(key, { job, controller });
      void this.execute(key, job, controller);
    }
    if (this.size === 0) this.waiters.splice(0).forEach((resolve) => resolve());
  }

  private async execute(key: string, job: ReviewJob, controller: AbortController): Promise<void> {
    try {
      await this.run(job, controller.signal);
      if (!controller.signal.aborted) {
        this.done.add(`${key}@${job.headSha}`);
        if (this.done.size > this.remember) this.done.delete(this.done.values().next().value as string);
      }
    } catch (error) {
      if (!controller.signal.aborted) this.onError(job, error);
    } finally {
      this.running.delete(key);
      this.pump();
    }
  }
}
