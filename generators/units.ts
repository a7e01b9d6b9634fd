import { Chart, ApiObject, type ChartProps } from 'cdk8s';
import type { Construct } from 'constructs';
import type { EnvironmentSpec } from '../environments/environment';
import type { ExperimentTarget } from '../constructs/experiment/definition';
import { lifecycleFor } from '../constructs/experiment/state';
import { buildExperimentsFlux, buildInfrastructure, buildInfrastructureFlux, buildNotificationsFlux } from './cluster-charts';
import type { LoadedExperiment } from './load-experiments';
import { EXPERIMENT_OBJECT_LABEL } from '../analysis/labels';

/** Annotation on every collector object: Flux must not substitute `${…}` in collector configs. */
export const SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';

/** Where a chart's objects go: one multi-document file, or a folder with one file per object and a kustomization.yaml. */
export interface UnitOutput {
  readonly type: 'file' | 'folder';
  /** Path relative to the tree root, `/`-separated. */
  readonly path: string;
}

/**
 * One cdk8s Chart of the tree: an experiment in an environment, or one of an environment's
 * Flux/infrastructure files. Charts never depend on each other (cdk8s's dependency walk is
 * exponential); Flux `dependsOn` orders them in the cluster.
 */
export interface ChartUnit {
  /** Chart id, unique in the app: `<env>-<experiment>` or `<env>-phoenix-…`. */
  readonly id: string;
  readonly environment: string;
  /** @default - not an experiment chart */
  readonly experiment?: string;
  /** The experiment's lifecycle phase in this environment. @default - not an experiment chart */
  readonly phase?: string;
  /** The source file named in messages. */
  readonly source: string;
  readonly output: UnitOutput;
  readonly props: ChartProps;
  /** Adds the chart's constructs. */
  build(chart: Chart): void;
}

/** What the tree is made of. */
export interface TreeSources {
  /** Environments in promotion order. */
  readonly environments: readonly EnvironmentSpec[];
  /** Experiments sorted by name. */
  readonly experiments: readonly LoadedExperiment[];
  /** The tree's folder relative to the repository root, as Flux paths use it. @default 'gitops' */
  readonly fluxPath?: string;
}

/** The target an experiment renders into, from the environment and the experiment's state. */
export function targetFor(env: EnvironmentSpec, experiment: LoadedExperiment): ExperimentTarget {
  return {
    environment: env.name,
    namespace: env.namespace,
    remoteWriteUrl: env.metrics.remoteWriteUrl,
    shadowRemoteWriteUrl: env.metrics.shadowRemoteWriteUrl,
    scrapeIntervalSeconds: env.metrics.scrapeIntervalSeconds ?? 60,
    lifecycle: lifecycleFor(experiment.state, env.name),
    ...(env.collector ? { collector: { ...env.collector } } : {}),
  };
}

/** Every chart of the tree, in a stable order: per environment (promotion order), its Flux files, infrastructure, then experiments by name. */
export function planUnits(sources: TreeSources): ChartUnit[] {
  const fluxPath = sources.fluxPath ?? 'gitops';
  const units: ChartUnit[] = [];
  const names = sources.experiments.map((experiment) => experiment.definition.name);
  for (const env of sources.environments) {
    const envFile = `environments/${env.name}.ts`;
    const clusters = `clusters/${env.name}`;
    units.push({
      id: `${env.name}-phoenix-infrastructure-flux`,
      environment: env.name,
      source: envFile,
      output: { type: 'file', path: `${clusters}/phoenix-infrastructure.yaml` },
      props: {},
      build: (chart) => buildInfrastructureFlux(chart, env, fluxPath),
    });
    if (names.length > 0) {
      units.push({
        id: `${env.name}-phoenix-experiments-flux`,
        environment: env.name,
        source: envFile,
        output: { type: 'file', path: `${clusters}/phoenix-experiments.yaml` },
        props: {},
        build: (chart) => buildExperimentsFlux(chart, env, names, fluxPath),
      });
    }
    if (env.flux) {
      units.push({
        id: `${env.name}-phoenix-notifications-flux`,
        environment: env.name,
        source: envFile,
        output: { type: 'file', path: `${clusters}/phoenix-notifications.yaml` },
        props: {},
        build: (chart) => buildNotificationsFlux(chart, env),
      });
    }
    units.push({
      id: `${env.name}-phoenix-infrastructure`,
      environment: env.name,
      source: envFile,
      output: { type: 'folder', path: `infrastructure/${env.name}` },
      props: {},
      build: (chart) => buildInfrastructure(chart, env),
    });
    for (const experiment of sources.experiments) {
      const name = experiment.definition.name;
      units.push({
        id: `${env.name}-${name}`,
        environment: env.name,
        experiment: name,
        phase: lifecycleFor(experiment.state, env.name).phase,
        source: experiment.file,
        output: { type: 'folder', path: `experiments/${env.name}/${name}` },
        props: { namespace: env.namespace, labels: { [EXPERIMENT_OBJECT_LABEL]: name }, disableResourceNameHashes: true },
        build: (chart) => {
          experiment.definition.build(chart, targetFor(env, experiment));
          for (const object of chart.node.findAll()) {
            if (object instanceof ApiObject) object.metadata.addAnnotation(SUBSTITUTE_ANNOTATION, 'disabled');
          }
        },
      });
    }
  }
  return units;
}

/** Adds one unit's Chart to `scope` (an App) and builds it. Both `phoenix synth` and `cdk8s synth` (app/main.ts) go through here. */
export function addUnitChart(scope: Construct, unit: ChartUnit): Chart {
  const chart = new Chart(scope, unit.id, unit.props);
  unit.build(chart);
  return chart;
}
