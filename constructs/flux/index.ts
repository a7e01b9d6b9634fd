export { PART_OF_LABEL, PART_OF_VALUE, FLUX_NAMESPACE, FluxObjectError, fluxDuration } from './common';
export { GitRepository, type GitRepositoryProps } from './git-repository';
export { Kustomization, type KustomizationProps, type SourceReference, type HealthCheck } from './kustomization';
export { Provider, Alert, type GitHubCommitStatusProps, type AlertProps, type EventSource } from './notification';
