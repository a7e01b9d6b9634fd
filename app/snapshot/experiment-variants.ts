import { App, Chart } from 'cdk8s';
import type { Guardrail, VariantToEstimate } from '../../analysis/cost';
import type { Experiment } from '../../constructs/experiment/experiment';
import type { EnvironmentSpec } from '../../environments/environment';
import { targetFor, type LoadedExperiment } from '../../generators';

/** An experiment as cost analysis needs it in one environment: its variants' rendered configs and guardrails. */
export interface ExperimentForEstimate {
  readonly experiment: string;
  readonly file: string;
  /** Baseline first, each with its shadow pipeline. */
  readonly variants: readonly VariantToEstimate[];
  readonly guardrails: readonly Guardrail[];
  readonly intervalSeconds: number;
}

/**
 * Builds a loaded experiment for `env` as if it were running there (so its shadow pipelines
 * are rendered whatever its phase) and reads each `Experiment` construct's rendered collector
 * config and manifest.
 */
export function experimentsForEstimate(loaded: LoadedExperiment, env: EnvironmentSpec): ExperimentForEstimate[] {
  const app = new App({ outdir: '.phoenix-tmp/estimate' });
  const chart = new Chart(app, `${env.name}-${loaded.definition.name}`, { namespace: env.namespace, disableResourceNameHashes: true });
  const target = { ...targetFor(env, loaded), lifecycle: { phase: 'running' as const } };
  loaded.definition.build(chart, target);
  // Duck-typed: experiment files are loaded through their own module loader, so `instanceof` may
  // see a second copy of the Experiment class.
  const found = chart.node
    .findAll()
    .filter(
      (c): c is Experiment => typeof (c as Partial<Experiment>).manifest === 'function' && typeof (c as Partial<Experiment>).renderedConfig === 'function',
    );
  return found.map((experiment) => {
    const config = experiment.renderedConfig();
    const manifest = experiment.manifest();
    return {
      experiment: manifest.name,
      file: loaded.file,
      variants: manifest.variants.map((variant) => ({ name: variant.name, config, pipeline: variant.shadowPipeline })),
      guardrails: manifest.guardrails.queries.map((query) => ({
        query: query.expr,
        source: query.source === 'inline' || !query.source ? query.name : query.source,
      })),
      intervalSeconds: target.scrapeIntervalSeconds,
    };
  });
}
