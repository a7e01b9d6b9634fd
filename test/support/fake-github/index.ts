/**
 * The shared fake GitHub for tests: `const github = await FakeGitHub.start()`, point Octokit at
 * `github.baseUrl`, seed with `addRepo` / `addPull` / `setRef`, inject faults with `failNext`, assert
 * on `requests` / `calls(operationId)` / `state`, and call `github.assertValid()` in afterEach.
 */
export { FakeGitHub, type AddPullOptions, type AddRepoOptions, type FakeGitHubOptions, type FaultOptions, type RecordedRequest } from './fake-github';
export type { FakeActor, FakeAnnotation, FakeCheckRun, FakeComment, FakePull, FakeRepo, FakeStatus } from './state';
export { MAX_ANNOTATIONS_PER_REQUEST } from './handlers/checks';
export {
  RUNNING_IN_DEV,
  seedConfigRepo,
  syncBranchesToGitHub,
  syncingFetch,
  usePersonGitIdentity,
  type SeededConfigRepo,
  type SeedOptions,
} from './hosted-repo';
