/**
 * The watcher's shared queries over what the real collector emits (ADR 0127): every variant's cost
 * and its exporter health are found per variant, from the component ids Phoenix chose — and a
 * variant whose exporter fails shows its failures, the others none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedQueries } from '../../analysis/decide/queries';
import { renderedCollectorConfig, startLoop, type Loop } from './loop';

const EXPERIMENT = 'node-cpu-by-mode';
const nodeSeries = (scrape: number) =>
  ['idle', 'user'].flatMap((mode) => [0, 1].map((cpu) => ({ name: 'node_cpu_seconds_total', labels: { cpu: String(cpu), mode }, value: scrape * (cpu + 1) })));

describe('watcher health from the real collector (node-cpu-by-mode)', { timeout: 300_000 }, () => {
  let loop: Loop;
  beforeAll(async () => {
    loop = await startLoop(
      renderedCollectorConfig('dev', EXPERIMENT),
      [{ name: 'node-0', series: nodeSeries }],
      new Map([['node_cpu_seconds_total', 'counter']]),
      (config) => {
        // the candidate's shadow exporter writes to a closed port and gives up at once
        const id = Object.keys(config.exporters).find((e) => e.endsWith(`/phoenix-${EXPERIMENT}-by-mode`))!;
        config.exporters[id] = { ...config.exporters[id], endpoint: 'http://127.0.0.1:1/api/v1/write', retry_on_failure: { enabled: false } };
      },
    );
    await loop.settle(12);
  });
  afterAll(async () => loop?.stop());

  const signal = async (name: string) => {
    const query = sharedQueries(10).find((q) => q.signal === name)!.query;
    const at = Date.now() / 1000 - 3;
    return new Map((await loop.raw(query, at)).filter((s) => s.metric.phoenix_experiment === EXPERIMENT).map((s) => [s.metric.phoenix_variant, s.value]));
  };

  it('finds the baseline copy by its cost signals (the broken candidate writes nothing)', async () => {
    const active = await signal('activeSeries');
    expect(active.get('baseline')).toBeGreaterThanOrEqual(4); // 4 node series (and target_info)
    expect(active.has('by-mode')).toBe(false);
  });

  it("reads exporter health per variant from the collector's own metrics: 0 failures for the baseline copy, failures for the candidate", async () => {
    const failed = await signal('sendFailedPoints');
    expect(failed.get('baseline')).toBe(0);
    expect(failed.get('by-mode')).toBeGreaterThan(0);
  });
});
