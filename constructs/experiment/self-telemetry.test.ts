import { describe, expect, it } from 'vitest';
import type { CollectorConfig } from '../collector/config';
import { telemetryTarget } from './self-telemetry';

const base = (telemetry?: Record<string, unknown>): CollectorConfig => ({
  receivers: { otlp: {} },
  exporters: { debug: {} },
  service: { pipelines: { metrics: { receivers: ['otlp'], exporters: ['debug'] } }, ...(telemetry ? { telemetry } : {}) },
});

describe('telemetryTarget', () => {
  it('scrapes the port of the configured pull reader, or the collector default', () => {
    expect(telemetryTarget(base())).toBe('127.0.0.1:8888');
    expect(telemetryTarget(base({ metrics: { level: 'normal' } }))).toBe('127.0.0.1:8888');
    expect(telemetryTarget(base({ metrics: { level: 'normal', readers: [{ pull: { exporter: { prometheus: { host: '0.0.0.0', port: 9999 } } } }] } }))).toBe(
      '127.0.0.1:9999',
    );
  });

  it('fails when the collector serves no metrics of its own', () => {
    expect(() => telemetryTarget(base({ metrics: { level: 'none' } }))).toThrow(/level is 'none'/);
    expect(() => telemetryTarget(base({ metrics: { readers: [{ periodic: { exporter: { otlp: {} } } }] } }))).toThrow(/no pull Prometheus reader/);
  });
});
