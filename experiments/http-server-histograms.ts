import { join } from 'node:path';
import { CollectorPipeline, Processor } from '../constructs/collector';
import { defineExperiment } from '../constructs/experiment/definition';
import { Experiment } from '../constructs/experiment/experiment';

const HISTOGRAM = 'http.server.request.duration';

/**
 * The checkout services' HTTP server histogram carries method, scheme, server address and
 * peer attributes nobody queries. Keep what dashboards and SLO rules use — the service
 * (resource: `job`), the route and the status code — and merge the rest, per pod.
 * Aggregation runs between cumulative→delta and delta→cumulative, so a pod restart costs only what
 * ADR 0124 states, never the whole remaining total; `keepAttributes` aligns the delta starts first (its
 * default, ADR 0139), so a pod's first point or a stream back from a gap merges with the others instead
 * of one of them being dropped.
 */
export default defineExperiment({
  name: 'http-server-histograms',
  build(scope, target) {
    new Experiment(scope, 'http-server-histograms', {
      baseline: CollectorPipeline.fromYaml(join(__dirname, 'baselines', 'checkout-otlp.yaml')),
      scope: [HISTOGRAM],
      knownMetrics: [HISTOGRAM, 'http.server.active_requests', 'http.server.request.body.size', 'http.server.response.body.size'],
      candidates: [
        {
          name: 'route-status',
          description: 'keep http.route and http.response.status_code (service stays on the resource)',
          processors: [
            Processor.cumulativeToDelta({ name: 'route-status', metrics: [HISTOGRAM] }),
            Processor.keepAttributes({
              name: 'route-status',
              metrics: [{ name: HISTOGRAM, type: 'histogram' }],
              keep: ['http.route', 'http.response.status_code'],
            }),
            Processor.deltaToCumulative({ name: 'route-status' }),
          ],
        },
        {
          name: 'route-only',
          description: 'keep http.route only (cheaper; the error-ratio guardrail should catch the lost status code)',
          processors: [
            Processor.cumulativeToDelta({ name: 'route-only', metrics: [HISTOGRAM] }),
            Processor.keepAttributes({ name: 'route-only', metrics: [{ name: HISTOGRAM, type: 'histogram' }], keep: ['http.route'] }),
            Processor.deltaToCumulative({ name: 'route-only' }),
          ],
        },
      ],
      guardrails: {
        queries: [
          { name: 'request rate by route', expr: 'sum by (job, http_route) (rate(http_server_request_duration_seconds_count[5m]))' },
          {
            name: 'p95 latency by route',
            expr: 'histogram_quantile(0.95, sum by (le, job, http_route) (rate(http_server_request_duration_seconds_bucket[5m])))',
            tolerancePercent: 2,
          },
        ],
        ruleFiles: ['experiments/guardrails/checkout-slo.rules.yaml'],
        minSavingsPercent: 20,
      },
      promotion: { windowMinutes: 60, consecutivePasses: 6, failureLimit: 2, bakeTimeMinutes: { staging: 24 * 60 } },
      target,
      baseDirectory: join(__dirname, '..'),
    });
  },
});
