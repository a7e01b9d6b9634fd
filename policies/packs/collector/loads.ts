import { dump } from 'js-yaml';
import { pointerOf } from '../../rule-table';
import type { Rule, RuleFinding } from '../../types';

/** What the rule needs of the collector: `validate` on a config's YAML text. */
export interface CollectorValidator {
  validate(yamlText: string): { ok: true } | { ok: false; timedOut: boolean; problems: ReadonlyArray<{ section?: string; id?: string; message: string }> };
}

/**
 * `collector/loads`: the pinned collector itself loads every collector config found (bare files,
 * ConfigMap entries, OpenTelemetryCollector `spec.config`) — `otelcol validate`, with the
 * collector's own words at the component it names. Only registered when a collector binary is given
 * (`phoenix check --collector PATH` or `PHOENIX_OTELCOL`).
 */
export function createCollectorLoadsRule(collector: CollectorValidator): Rule {
  return {
    id: 'collector/loads',
    severity: 'error',
    reads: 'document',
    description:
      'The pinned OpenTelemetry Collector loads the config (otelcol validate): OTTL that compiles, regexps that parse, settings its components accept.',
    kinds: ['', 'ConfigMap', 'OpenTelemetryCollector'],
    check(doc, ctx) {
      const findings: RuleFinding[] = [];
      for (const source of ctx.collectorConfigs(doc)) {
        const verdict = collector.validate(dump(source.config, { lineWidth: -1, noRefs: true }));
        if (verdict.ok) continue;
        for (const problem of verdict.problems) {
          const at = problem.section && problem.id && problem.section !== 'service' ? pointerOf(problem.section, problem.id) : '';
          findings.push({
            pointer: source.pointer + at,
            message: verdict.timedOut ? problem.message : `the collector refuses this config: ${problem.message}`,
            fix: verdict.timedOut
              ? 'run the collector on this config by hand to see where it hangs'
              : 'correct the component so the collector accepts it (the message is the collector’s own)',
          });
        }
      }
      return findings;
    },
  };
}
