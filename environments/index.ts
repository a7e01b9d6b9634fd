export * from './environment';
export { loadEnvironments, selectEnvironments, defaultEnvironmentsDir } from './load-environments';
export { assertEnvironment, environmentProblems, EnvironmentError } from './validate-environment';
