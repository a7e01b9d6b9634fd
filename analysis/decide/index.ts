/**
 * The watcher's decision rules: pure functions from what was measured to what to do, with the
 * evidence. No I/O; the watcher (app/watcher) gathers the inputs and acts on the output.
 */
export * from './types';
export { worstVerdict, isDecisive } from './verdict';
export { compareRelative, compareCounts, compareCountsNoWorse, isZeroHeavy, meanOf, POISSON_SIGMAS } from './statistics';
export { warmUpSeconds, windowGrid, measurementStartSeconds, windowsFrom, MIN_WARM_UP_SECONDS } from './windows';
export { sharedQueries, EXPERIMENT_LABEL, VARIANT_LABEL, type SharedQuery, type SharedSignal } from './queries';
export { variantCost, savingPercent, SECONDS_PER_MONTH, DEFAULT_BYTES_PER_SAMPLE } from './cost';
export { checkGuardrail, labelKey, GUARDRAIL_DEFAULTS } from './guardrail-check';
export { evaluateWindow, WINDOW_DEFAULTS, type WindowContext } from './evaluate-window';
export { streaksOf, type Streaks } from './hysteresis';
export { promotionBlocker, type EarlierEnvironment } from './promotion-order';
export { decideExperiment, type DecideInput } from './decide';
export { fluxDeployment, parseFluxRevision, type KustomizationStatusInput } from './flux-revision';
