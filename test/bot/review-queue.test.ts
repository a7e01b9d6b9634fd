import { describe, expect, it } from 'vitest';
import { ReviewQueue, type ReviewJob } from '../../app/bot/review-queue';

const job = (pullNumber: number, headSha: string): ReviewJob => ({ repository: 'acme/config', pullNumber, headSha, reason: 'test' });

/** A runner whose jobs finish only when the test says so. */
function controllableRunner() {
  const started: Array<{ job: ReviewJob; signal: AbortSignal; finish: () => void }> = [];
  const run = (j: ReviewJob, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      started.push({ job: j, signal, finish: resolve });
      signal.addEventListener('abort', () => resolve());
    });
  return { started, run };
}

describe('review queue', () => {
  it('cancels the running review of a pull request when a new head arrives, then reviews the new head', async () => {
    // GIVEN a review of head a running
    const { started, run } = controllableRunner();
    const queue = new ReviewQueue(run, 2, () => undefined);
    queue.enqueue(job(1, 'a'));
    // WHEN head b arrives
    const outcome = queue.enqueue(job(1, 'b'));
    // THEN a's signal fired and b runs after it
    expect(outcome).toBe('cancelled-running');
    expect(started[0].signal.aborted).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.map((s) => s.job.headSha)).toEqual(['a', 'b']);
    started[1].finish();
    await queue.idle();
    // AND a cancelled head is not remembered as reviewed, a finished one is
    expect(queue.enqueue(job(1, 'b'))).toBe('duplicate');
  });

  it('drops a head that is queued, running or done', async () => {
    const { started, run } = controllableRunner();
    const queue = new ReviewQueue(run, 1, () => undefined);
    queue.enqueue(job(1, 'a'));
    queue.enqueue(job(2, 'x'));
    expect(queue.enqueue(job(1, 'a'))).toBe('duplicate');
    expect(queue.enqueue(job(2, 'x'))).toBe('duplicate');
    started[0].finish();
    await new Promise((resolve) => setImmediate(resolve));
    started[1].finish();
    await queue.idle();
    expect(queue.enqueue(job(1, 'a'))).toBe('duplicate');
  });

  it('runs at most `concurrency` reviews at once', async () => {
    const { started, run } = controllableRunner();
    const queue = new ReviewQueue(run, 2, () => undefined);
    for (let i = 1; i <= 5; i += 1) queue.enqueue(job(i, `h${i}`));
    expect(started).toHaveLength(2);
    started[0].finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toHaveLength(3);
    for (const s of started) s.finish();
    await new Promise((resolve) => setImmediate(resolve));
    for (const s of started) s.finish();
    await new Promise((resolve) => setImmediate(resolve));
    for (const s of started) s.finish();
    await queue.idle();
    expect(started).toHaveLength(5);
  });

  it('reports a failed review and lets the same head be tried again', async () => {
    const errors: unknown[] = [];
    const queue = new ReviewQueue(
      async () => {
        throw new Error('boom');
      },
      1,
      (_j, e) => errors.push(e),
    );
    queue.enqueue(job(1, 'a'));
    await queue.idle();
    expect(errors).toHaveLength(1);
    expect(queue.enqueue(job(1, 'a'))).toBe('queued');
    await queue.idle();
  });
});
