export { SynthError } from './errors';
export { loadExperiments, type LoadedExperiment } from './load-experiments';
export { planUnits, addUnitChart, targetFor, SUBSTITUTE_ANNOTATION, type ChartUnit, type TreeSources, type UnitOutput } from './units';
export { experimentKustomizationName, INFRASTRUCTURE_KUSTOMIZATION, GIT_REPOSITORY_NAME, COMMIT_STATUS_NAME } from './cluster-charts';
export { synthesizeTree, renderChart, type SynthesizedTree, type SynthSummary } from './synthesize';
export { layOut, objectKey, type KubeObject } from './layout';
export { emitYaml, emitYamlDocuments } from './emit-yaml';
export {
  writeTree,
  checkTree,
  isFresh,
  environmentsScope,
  wholeTree,
  OWNED_LIST,
  JOURNAL,
  type TreeDifferences,
  type WriteReport,
  type TreeScope,
} from './owned-tree';
export { synthToDisk, synthCheck, synthesizeFromSources, fluxPathFor, DEFAULT_FLUX_PATH, type SynthTreeOptions } from './synth-tree';
export { diffTrees, isEmptyDiff, environmentOfPath, type TreeDiff, type TreeFiles, type EnvironmentDiff, type ObjectChange } from './tree-diff';
export { renderDiffText, renderDiffMarkdown, renderDiffJson, objectLabel } from './render-diff';
export { unifiedLineDiff } from './line-diff';
export { synthesizeSide, resolveCommit, repositoryRoot, readTree, type SynthSide, type RevisionSynth } from './synth-at-ref';
export { addTreeCharts } from './cdk8s-app';
