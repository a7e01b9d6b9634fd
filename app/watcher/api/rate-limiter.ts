/**
 * A token bucket: `burst` requests at once, refilled at `perMinute`. `take()` answers 0 when a
 * request may go ahead, else the whole seconds to wait (for `Retry-After`).
 */
export class RateLimiter {
  private tokens: number;
  private updated: number;

  constructor(
    private readonly perMinute: number,
    private readonly burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.tokens = burst;
    this.updated = now();
  }

  take(): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updated) / 60_000) * this.perMinute);
    this.updated = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 60) / this.perMinute));
  }
}
