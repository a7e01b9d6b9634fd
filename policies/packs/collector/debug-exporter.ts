import { isRecord } from '../../collector-configs';
import { pointerOf } from '../../rule-table';
import type { RuleFinding } from '../../types';
import { collectorRule, componentType, sectionOf } from './config-view';

/** True for a debug (or the older logging) exporter that prints every data point. */
function isDetailed(type: string, settings: unknown): boolean {
  if ((type !== 'debug' && type !== 'logging') || !isRecord(settings)) return false;
  return settings.verbosity === 'detailed' || settings.loglevel === 'debug';
}

/** A detailed debug exporter outside dev floods logs (and log bills) with every data point. */
export const noDetailedDebugOutsideDev = collectorRule({
  id: 'collector/no-detailed-debug',
  severity: 'error',
  reads: 'document',
  description: 'No debug exporter with verbosity: detailed outside the dev environments: it logs every data point.',
  applies: (doc, ctx) => doc.environment === undefined || !ctx.options.debugEnvironments.includes(doc.environment),
  check(source, doc) {
    const findings: RuleFinding[] = [];
    for (const [id, settings] of Object.entries(sectionOf(source.config, 'exporters'))) {
      if (!isDetailed(componentType(id), settings)) continue;
      const where = doc.environment === undefined ? 'in a config whose environment is unknown' : `in environment '${doc.environment}'`;
      findings.push({
        pointer: source.pointer + pointerOf('exporters', id),
        message: `exporter '${id}' logs every data point (verbosity: detailed) ${where}`,
        fix: 'use verbosity: basic, or keep the detailed debug exporter to dev (label the object environment: dev or place it under gitops/<section>/dev/)',
        severity: doc.environment === undefined ? 'warning' : undefined,
      });
    }
    return findings;
  },
});
