import type { Construct } from 'constructs';

/** Lifecycle phase of an experiment in one environment. */
export type LifecyclePhase = 'pending' | 'running' | 'paused' | 'promoted' | 'rolled-back';

/**
 * The lifecycle of an experiment in one environment, as read from the experiment's state
 * file (`experiments/<name>.state.yaml`). The watcher and people change it through pull requests.
 */
export interface EnvironmentLifecycle {
  readonly phase: LifecyclePhase;
  /** The candidate that was promoted (phase `promoted`) or rolled back. @default - none */
  readonly variant?: string;
  /** Why the phase was entered. @default - none */
  readonly reason?: string;
  /** Path (repo-relative) of the decision record that justified the phase. @default - none */
  readonly decisionRecord?: string;
  /** ISO-8601 time the phase was entered. @default - unknown */
  readonly since?: string;
  /** The measured saving frozen at promotion. @default - none */
  readonly frozenSaving?: FrozenSaving;
}

/** A saving measured by the watcher and frozen in the state when a candidate is promoted. */
export interface FrozenSaving {
  readonly seriesBefore: number;
  readonly seriesAfter: number;
  readonly samplesPerMinuteBefore?: number;
  readonly samplesPerMinuteAfter?: number;
  /** Money per month saved, decimal string. */
  readonly monthlySaving: string;
  readonly currency: string;
}

/**
 * What an experiment needs to know about the environment it renders into.
 * The generator builds it from an `EnvironmentSpec` and the experiment's state file.
 */
export interface ExperimentTarget {
  /** Environment name: `dev`, `staging`, `prod`. */
  readonly environment: string;
  /** Namespace the collector runs in. */
  readonly namespace: string;
  /** Remote-write URL of the production output. */
  readonly remoteWriteUrl: string;
  /** Remote-write URL of the shadow destination. */
  readonly shadowRemoteWriteUrl: string;
  /** Scrape / export interval, seconds. */
  readonly scrapeIntervalSeconds: number;
  /** The experiment's lifecycle in this environment. */
  readonly lifecycle: EnvironmentLifecycle;
  /** Collector replica and resource overrides. @default - the experiment's own */
  readonly collector?: {
    readonly replicas?: number;
    readonly cpuRequestMillis?: number;
    readonly cpuLimitMillis?: number;
    readonly memoryRequestMiB?: number;
    readonly memoryLimitMiB?: number;
  };
}

/**
 * One experiment of the config repo: `experiments/<name>.ts` default-exports
 * `defineExperiment({ name, build })`. The generator calls `build` once per environment,
 * inside a cdk8s Chart of its own, and lays the chart's objects out under
 * `gitops/experiments/<env>/<name>/`.
 */
export interface ExperimentDefinition {
  /** Experiment name, a DNS label; also the state file's and the Flux Kustomization's name. */
  readonly name: string;
  /** Adds the experiment's constructs (an `Experiment`) to `scope` for one environment. */
  build(scope: Construct, target: ExperimentTarget): void;
}

/** Declares an experiment; validates its name early so errors name the file's experiment. */
export function defineExperiment(definition: ExperimentDefinition): ExperimentDefinition {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(definition.name)) {
    throw new Error(`experiment name '${definition.name}' must be a DNS label (lowercase letters, digits and '-', at most 63 characters)`);
  }
  return definition;
}
