import { describe, expect, it } from 'vitest';
import { sharedQueries } from './queries';

describe('sharedQueries', () => {
  it('reads the exporter counters per variant, counting 0 where the exporter reports sent points and never failed', () => {
    const queries = sharedQueries(600, ['cluster="dev"']);
    expect(queries).toHaveLength(7);
    const failed = queries.find((q) => q.signal === 'sendFailedPoints')!.query;
    expect(failed).toBe(
      'sum by (phoenix_experiment, phoenix_variant) (increase({__name__=~"otelcol_exporter_send_failed_metric_points(_total)?",phoenix_experiment!="",phoenix_variant!="",cluster="dev"}[600s]))' +
        ' or sum by (phoenix_experiment, phoenix_variant) (increase({__name__=~"otelcol_exporter_sent_metric_points(_total)?",phoenix_experiment!="",phoenix_variant!="",cluster="dev"}[600s])) * 0',
    );
    expect(queries.find((q) => q.signal === 'droppedPoints')!.query).toContain('otelcol_exporter_enqueue_failed_metric_points(_total)?');
    expect(queries.find((q) => q.signal === 'refusedPoints')!.query).not.toContain(' or ');
  });
});
