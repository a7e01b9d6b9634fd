import { brokenCollectorConfigsOf } from '../../collector-configs';
import { validateCollectorComponents } from '../../schemas/collector-schemas';
import type { Rule, RuleFinding } from '../../types';

/** Collector configurations parse and their components match the component schemas. */
export const collectorConfigValid: Rule = {
  id: 'schema/collector-config',
  severity: 'error',
  reads: 'document',
  description: 'Collector configurations parse, and their components match the component schemas.',
  kinds: ['', 'ConfigMap', 'OpenTelemetryCollector'],
  check(doc, ctx) {
    const findings: RuleFinding[] = brokenCollectorConfigsOf(doc).map((broken) => ({
      pointer: broken.pointer,
      message: broken.message,
      fix: 'make the embedded string a valid collector YAML configuration',
    }));
    for (const source of ctx.collectorConfigs(doc)) {
      for (const problem of validateCollectorComponents(source.config)) {
        findings.push({
          pointer: source.pointer + problem.pointer,
          message: problem.message,
          fix: problem.unknownComponent
            ? 'check the component type; unknown components are not validated'
            : 'correct the component settings to match its schema',
          severity: problem.unknownComponent ? 'warning' : undefined,
        });
      }
    }
    return findings;
  },
};
