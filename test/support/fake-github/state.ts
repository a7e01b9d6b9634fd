/**
 * The fake's world: repositories with refs, pull requests, issue comments, labels, check runs and
 * commit statuses, plus GitHub App installations. Plain data; handlers mutate it and fixtures render it.
 */

/** A user or bot as the fake records it. */
export interface FakeActor {
  readonly login: string;
  readonly id: number;
  readonly type: 'User' | 'Bot';
}

/** A pull request as the fake stores it. */
export interface FakePull {
  readonly number: number;
  readonly id: number;
  state: 'open' | 'closed';
  title: string;
  body: string | null;
  draft: boolean;
  merged: boolean;
  /** Branch name in the head repository. */
  headRef: string;
  headSha: string;
  /** `owner/name` of the head repository; differs from the base repository for fork pull requests. */
  headRepo: string;
  baseRef: string;
  baseSha: string;
  labels: string[];
  maintainerCanModify: boolean;
  readonly user: FakeActor;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

/** An issue or pull-request comment. */
export interface FakeComment {
  readonly id: number;
  readonly issueNumber: number;
  body: string;
  readonly user: FakeActor;
  readonly createdAt: string;
  updatedAt: string;
}

/** One annotation as sent on a check run. */
export interface FakeAnnotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly annotation_level: string;
  readonly message: string;
  readonly title?: string;
}

/** A check run, with every annotation it received across requests. */
export interface FakeCheckRun {
  readonly id: number;
  name: string;
  readonly headSha: string;
  status: string;
  conclusion: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  annotations: FakeAnnotation[];
  startedAt: string | null;
  completedAt: string | null;
  readonly app: FakeActor;
}

/** A commit status (e.g. the ones Flux's notification-controller posts). */
export interface FakeStatus {
  readonly id: number;
  readonly sha: string;
  readonly state: 'error' | 'failure' | 'pending' | 'success';
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly creator: FakeActor;
  readonly createdAt: string;
}

/** One repository with its git refs (`heads/main` → sha) and everything attached to it. */
export interface FakeRepo {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  readonly private: boolean;
  /** `owner/name` of the parent when this repository is a fork. */
  readonly forkOf?: string;
  readonly refs: Map<string, string>;
  readonly pulls: FakePull[];
  readonly comments: FakeComment[];
  readonly checkRuns: FakeCheckRun[];
  readonly statuses: FakeStatus[];
  readonly labels: Set<string>;
  nextIssueNumber: number;
  /** Installation that can act on this repository, if any. */
  installationId?: number;
}

/** A GitHub App installation. */
export interface FakeInstallation {
  readonly id: number;
  readonly account: string;
}

/** Mutable state shared by all handlers of one fake. */
export class FakeState {
  readonly repos = new Map<string, FakeRepo>();
  readonly installations = new Map<number, FakeInstallation>();
  /** Issued tokens → who they act as (installation tokens act as the app's bot user). */
  readonly tokens = new Map<string, { actor: FakeActor; installationId?: number }>();
  /** The GitHub App's id (JWT `iss`) and slug; its installation tokens act as `<slug>[bot]`. */
  appId = 4242;
  appSlug = 'phoenix';
  private nextId = 1000;
  private clockMs = Date.parse('2026-01-01T00:00:00Z');

  /** A fresh unique id (ids are global across kinds, like GitHub's database ids). */
  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /** A monotonically increasing ISO timestamp (one second per call), so ordering is observable. */
  now(): string {
    this.clockMs += 1000;
    return new Date(this.clockMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** The bot user installation tokens act as. */
  botActor(): FakeActor {
    return { login: `${this.appSlug}[bot]`, id: 900000 + this.appId, type: 'Bot' };
  }

  repo(owner: string, name: string): FakeRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }
}
