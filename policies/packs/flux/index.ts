import type { RulePack } from '../../types';
import { dependsOnResolvable } from './depends-on';
import { intervalInRange } from './interval';
import { pathExists } from './path-exists';
import { pruneEnabled } from './prune';
import { sourceRefResolves } from './source-ref';
import { substitutionDisabled } from './substitution';

/** Flux rules: references between Flux objects, paths, pruning, intervals, substitution. */
export const fluxPack: RulePack = {
  name: 'flux',
  description: 'Flux objects: sources and dependencies resolve, paths exist, prune, sane intervals, no substitution in collector configs.',
  rules: [sourceRefResolves, dependsOnResolvable, pathExists, pruneEnabled, intervalInRange, substitutionDisabled],
};
