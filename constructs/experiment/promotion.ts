/** How the watcher decides: window length, how many windows, passes to promote, failures to roll back, bake time. */
export interface PromotionProps {
  /** Length of one evaluation window, minutes; at least 4 scrape intervals (so `rate()` has samples). @default 60 */
  readonly windowMinutes?: number;
  /** Windows of evidence the watcher keeps per variant and decides on. @default 24 */
  readonly windows?: number;
  /** Consecutive passing windows before the best candidate is promoted. @default 6 */
  readonly consecutivePasses?: number;
  /** Failing windows of a hard guardrail before the experiment is rolled back. @default 2 */
  readonly failureLimit?: number;
  /**
   * Minutes a promotion bakes in an environment before the next one (promotion order) may promote,
   * per environment name.
   * @default - the environment's own bakeTimeMinutes
   */
  readonly bakeTimeMinutes?: Readonly<Record<string, number>>;
}

/** Promotion settings as data, every default applied. */
export interface ResolvedPromotion {
  readonly windowMinutes: number;
  readonly windows: number;
  readonly consecutivePasses: number;
  readonly failureLimit: number;
  /** Only environments given in the props; the others use their own bake time. */
  readonly bakeTimeMinutes: Readonly<Record<string, number>>;
}

/** Applies defaults and checks the promotion settings against the scrape interval. */
export function resolvePromotion(props: PromotionProps, scrapeIntervalSeconds: number): { promotion: ResolvedPromotion; problems: string[] } {
  const promotion: ResolvedPromotion = {
    windowMinutes: props.windowMinutes ?? 60,
    windows: props.windows ?? 24,
    consecutivePasses: props.consecutivePasses ?? 6,
    failureLimit: props.failureLimit ?? 2,
    bakeTimeMinutes: { ...(props.bakeTimeMinutes ?? {}) },
  };
  const problems: string[] = [];
  for (const field of ['windowMinutes', 'windows', 'consecutivePasses', 'failureLimit'] as const) {
    const value = promotion[field];
    if (!Number.isInteger(value) || value < 1) problems.push(`promotion.${field} (${value}) must be a whole number of at least 1`);
  }
  if (promotion.windowMinutes * 60 < 4 * scrapeIntervalSeconds) {
    problems.push(
      `promotion.windowMinutes (${promotion.windowMinutes}) must be at least 4 × the scrape interval (${scrapeIntervalSeconds} s), so rate() sees enough samples`,
    );
  }
  if (promotion.consecutivePasses > promotion.windows) {
    problems.push(`promotion.consecutivePasses (${promotion.consecutivePasses}) cannot exceed promotion.windows (${promotion.windows})`);
  }
  if (promotion.failureLimit > promotion.windows) {
    problems.push(`promotion.failureLimit (${promotion.failureLimit}) cannot exceed promotion.windows (${promotion.windows})`);
  }
  for (const [environment, minutes] of Object.entries(promotion.bakeTimeMinutes)) {
    if (!Number.isInteger(minutes) || minutes < 0)
      problems.push(`promotion.bakeTimeMinutes.${environment} (${minutes}) must be a whole number of minutes, 0 or more`);
  }
  return { promotion, problems };
}
