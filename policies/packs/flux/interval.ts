import type { Rule } from '../../types';
import { FLUX_RECONCILED_KINDS, formatSeconds, isFluxObject, parseGoDuration, specOf } from './flux-objects';

/** Too short hammers the git host and API server; too long leaves drift uncorrected. */
export const intervalInRange: Rule = {
  id: 'flux/interval',
  severity: 'warning',
  reads: 'document',
  description: 'Flux reconcile intervals stay within the configured range (default 30s to 24h).',
  kinds: FLUX_RECONCILED_KINDS,
  check(doc, ctx) {
    if (!isFluxObject(doc)) return [];
    const interval = specOf(doc).interval;
    if (typeof interval !== 'string') return [];
    const seconds = parseGoDuration(interval);
    const { fluxIntervalMinSeconds: min, fluxIntervalMaxSeconds: max } = ctx.options;
    const range = `${formatSeconds(min)} to ${formatSeconds(max)}`;
    if (seconds === undefined) {
      return [
        {
          pointer: '/spec/interval',
          message: `interval '${interval}' is not a duration`,
          fix: `write a Go duration such as 10m, within ${range}`,
          severity: 'error',
        },
      ];
    }
    if (seconds >= min && seconds <= max) return [];
    return [
      {
        pointer: '/spec/interval',
        message: `interval ${interval} is ${seconds < min ? 'shorter' : 'longer'} than the allowed ${range}`,
        fix: `set spec.interval within ${range}`,
      },
    ];
  },
};
