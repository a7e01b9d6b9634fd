import type { EnvironmentInput, LifecycleInput } from './types';

/** An environment earlier in the promotion order, with the experiment's lifecycle there. */
export interface EarlierEnvironment {
  readonly environment: EnvironmentInput;
  readonly lifecycle: LifecycleInput;
}

/**
 * Why `variant` may not be promoted yet in an environment, or `undefined` when it may: every
 * environment earlier in the promotion order (dev → staging → prod) must have promoted the same
 * variant at least its bake time ago.
 */
export function promotionBlocker(
  variant: string,
  earlier: readonly EarlierEnvironment[],
  nowSeconds: number,
  bakeOverrides: Readonly<Record<string, number>> = {},
): string | undefined {
  const ordered = [...earlier].sort((a, b) => a.environment.promotionOrder - b.environment.promotionOrder);
  for (const { environment, lifecycle } of ordered) {
    if (lifecycle.phase !== 'promoted' || lifecycle.variant !== variant) {
      return `waiting for ${environment.name} to promote ${variant} first (there it is ${lifecycle.phase}${lifecycle.variant ? ` with ${lifecycle.variant}` : ''})`;
    }
    const since = lifecycle.since ? Date.parse(lifecycle.since) / 1000 : NaN;
    if (!Number.isFinite(since)) return `waiting for ${environment.name}'s bake time: its promotion has no time ('since') in the state file`;
    const bakeMinutes = bakeOverrides[environment.name] ?? environment.bakeTimeMinutes;
    const bakedAt = since + bakeMinutes * 60;
    if (bakedAt > nowSeconds) {
      return `waiting for ${environment.name}'s bake time of ${bakeMinutes} min (until ${new Date(bakedAt * 1000).toISOString()})`;
    }
  }
  return undefined;
}
