import { describe, expect, it } from 'vitest';
import type { CollectorConfig } from '../collector/config';
import { renderSelfTelemetry, SELF_METRICS_KEPT, telemetryTarget } from './self-telemetry';

const base = (telemetry?: Record<string, unknown>): CollectorConfig => ({
  receivers: { otlp: {} },
  exporters: { debug: {} },
  service: { pipelines: { metrics: { receivers: ['otlp'], exporters: ['debug'] } }, ...(telemetry ? { telemetry } : {}) },
});

type Rule = { source_labels: string[]; regex: string; target_label?: string; replacement?: string; action?: string };

/** Applies relabel rules the way Prometheus does (regex anchored, `replace` by default) to one label set. */
function relabel(rules: readonly Rule[], labels: Record<string, string>): Record<string, string> | undefined {
  const out = { ...labels };
  for (const rule of rules) {
    const value = rule.source_labels.map((name) => out[name] ?? '').join(';');
    const matches = new RegExp(`^(?:${rule.regex})$`).test(value);
    if (rule.action === 'keep' && !matches) return undefined;
    if (rule.action === 'drop' && matches) return undefined;
    if ((rule.action ?? 'replace') === 'replace' && matches) out[rule.target_label!] = rule.replacement!;
  }
  return out;
}

describe('self-telemetry', () => {
  const render = (config = base()) => renderSelfTelemetry({
    experiment: 'node-cpu',
    config,
    exporters: [
      { variant: 'baseline', exporter: 'prometheus_remote_write/phoenix-node-cpu-baseline' },
      { variant: 'by-mode', exporter: 'prometheus_remote_write/phoenix-node-cpu-by-mode' },
    ],
    scrapeIntervalSeconds: 15,
    destination: { remoteWriteUrl: 'http://shadow/api/v1/push' },
  });
  const rules = () => (render().receivers['prometheus/phoenix-node-cpu-telemetry'] as { config: { scrape_configs: Array<{ metric_relabel_configs: Rule[] }> } }).config.scrape_configs[0]!.metric_relabel_configs;

  it('maps each shadow exporter id, in either spelling of its type, to the experiment and variant labels', () => {
    for (const type of ['prometheus_remote_write', 'prometheusremotewrite']) {
      expect(relabel(rules(), { __name__: 'otelcol_exporter_sent_metric_points', exporter: `${type}/phoenix-node-cpu-by-mode` }))
        .toMatchObject({ phoenix_experiment: 'node-cpu', phoenix_variant: 'by-mode' });
      expect(relabel(rules(), { __name__: 'otelcol_exporter_send_failed_metric_points_total', exporter: `${type}/phoenix-node-cpu-baseline` }))
        .toMatchObject({ phoenix_experiment: 'node-cpu', phoenix_variant: 'baseline' });
    }
  });

  it('drops the production exporter, its own exporter and every other self-metric', () => {
    expect(relabel(rules(), { __name__: 'otelcol_exporter_sent_metric_points', exporter: 'prometheus_remote_write' })).toBeUndefined();
    expect(relabel(rules(), { __name__: 'otelcol_exporter_sent_metric_points', exporter: 'prometheus_remote_write/phoenix-node-cpu-telemetry' })).toBeUndefined();
    expect(relabel(rules(), { __name__: 'otelcol_processor_incoming_items', processor: 'memory_limiter' })).toBeUndefined();
    expect(new RegExp(`^(?:${SELF_METRICS_KEPT})$`).test('otelcol_exporter_enqueue_failed_metric_points_total')).toBe(true);
  });

  it('writes through an exporter of the shadow exporters\' type, and scrapes at the given interval', () => {
    const out = render();
    expect(out.exporters).toEqual({ 'prometheus_remote_write/phoenix-node-cpu-telemetry': { endpoint: 'http://shadow/api/v1/push' } });
    expect(out.pipelines).toEqual({ 'metrics/phoenix-node-cpu-telemetry': { receivers: ['prometheus/phoenix-node-cpu-telemetry'], exporters: ['prometheus_remote_write/phoenix-node-cpu-telemetry'] } });
  });

  it('scrapes the port of the configured pull reader, or the collector default', () => {
    expect(telemetryTarget(base())).toBe('127.0.0.1:8888');
    expect(telemetryTarget(base({ metrics: { level: 'normal', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 9999 } } } }] } }))).toBe('127.0.0.1:9999');
  });

  it('fails when the collector serves no metrics of its own', () => {
    expect(() => telemetryTarget(base({ metrics: { level: 'none' } }))).toThrow(/level is 'none'/);
    expect(() => telemetryTarget(base({ metrics: { readers: [{ periodic: { exporter: { otlp: {} } } }] } }))).toThrow(/no pull Prometheus reader/);
  });
});
