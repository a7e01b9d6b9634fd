/**
 * The package's public API (`import { … } from 'phoenix-metrics'`): what a config repository's
 * experiments and environments are written with. Everything else (the CLI, the watcher, the bot)
 * is reached through the `phoenix` command.
 */
export * from './constructs/collector';
export * from './constructs/experiment';
export * from './constructs/deployment';
export * from './constructs/flux';
export * from './constructs/watcher/phoenix-image';
export * from './constructs/watcher/phoenix-watcher';
export type { EnvironmentSpec, FluxSettings, MetricsBackend, CollectorOverrides, PriceModelSpec, WatcherHosting } from './environments/environment';
