import { execFile } from 'node:child_process';

/**
 * Git commands that talk to a remote, authenticated with a token handed to this one command through
 * its environment: `GIT_CONFIG_COUNT/KEY/VALUE` set `http.<remote>.extraHeader` to
 * `Authorization: Basic x-access-token:<token>` (what GitHub accepts from App installation tokens),
 * scoped to the remote's URL. The token is never in a URL, on the command line, in `.git/config` or
 * in an error message. Inherited variables that would trace or redirect git are dropped, prompts and
 * credential helpers are off, so a refused token fails at once instead of hanging or being stored.
 */

/** Hands out the current token for git over HTTPS; asked before every command that talks to the remote. */
export interface GitTokenSource {
  /** The token to use now (refreshed when it is about to expire). Rejects with a clear message when none can be had. */
  token(): Promise<string>;
}

/** A token that never changes (a personal access token, `GITHUB_TOKEN` in a workflow). */
export function staticGitToken(token: string): GitTokenSource {
  return { token: async () => token };
}

/** Why a git command that talks to the remote failed. */
export type GitFailureKind = 'unauthorized' | 'forbidden' | 'protected' | 'rejected' | 'not-found' | 'unreachable' | 'failed';

/** A failed git command: one clear line, credentials removed. `kind` tells callers whether to retry. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly kind: GitFailureKind,
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}

/** Variables a caller's environment must not pass to git: tracing, config injection, repository redirection, prompts. */
const DROPPED =
  /^(GIT_TRACE.*|GIT_CURL_VERBOSE|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_\d+|GIT_CONFIG_VALUE_\d+|GIT_CONFIG_PARAMETERS|GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|GIT_ASKPASS|SSH_ASKPASS|GIT_REDACT_COOKIES|GIT_TRACE_REDACT)$/;

/** True for remotes reached over HTTP(S), the only ones a token is sent to. */
export function isHttpRemote(remoteUrl: string): boolean {
  return /^https?:\/\//i.test(remoteUrl);
}

/** The environment of one git command that talks to `remoteUrl`, carrying `token` when it is an HTTP(S) remote. */
export function gitRemoteEnv(remoteUrl: string, token: string | undefined, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!DROPPED.test(key)) env[key] = value;
  Object.assign(env, { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', GIT_TRACE_REDACT: '1' });
  const entries: Array<[string, string]> = [['credential.helper', '']];
  if (token && isHttpRemote(remoteUrl)) {
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
    entries.push([`http.${withoutUserInfo(remoteUrl)}.extraHeader`, `Authorization: Basic ${basic}`]);
  }
  env.GIT_CONFIG_COUNT = String(entries.length);
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** Options of {@link runRemoteGit}. */
export interface RunRemoteGitOptions {
  /** Working directory of the command. */
  readonly cwd: string;
  /** The remote the command talks to (the header is scoped to it). */
  readonly remoteUrl: string;
  /** Where the token comes from. @default - no token (local or public remotes) */
  readonly tokens?: GitTokenSource;
  /** The command is killed after this long. @default 120000 */
  readonly timeoutMs?: number;
}

/** Runs a git command that talks to the remote; resolves with stdout, rejects with a {@link GitCommandError}. */
export async function runRemoteGit(args: readonly string[], options: RunRemoteGitOptions): Promise<string> {
  const token = options.tokens && isHttpRemote(options.remoteUrl) ? await options.tokens.token() : undefined;
  const env = gitRemoteEnv(options.remoteUrl, token);
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      { cwd: options.cwd, env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const timedOut = (error as { killed?: boolean }).killed === true;
        const text = scrub(`${stderr}\n${stdout}`, token);
        reject(describeGitFailure(args[0] ?? 'git', options.remoteUrl, text, timedOut));
      },
    );
  });
}

/** Removes a token (raw or base64-encoded in a header) and URL credentials from text. */
export function scrub(text: string, token?: string): string {
  let out = text.replace(/(\w+:\/\/)[^@/\s]+@/g, '$1***@').replace(/(authorization:\s*\w+\s+)\S+/gi, '$1***');
  if (token) {
    out = out.split(token).join('***');
    out = out.split(Buffer.from(`x-access-token:${token}`).toString('base64')).join('***');
  }
  return out;
}

/** The longest message {@link redactMessage} returns. */
const MAX_REDACTED_LENGTH = 500;

/**
 * A git (or git host) error message made safe to show in the API, the status page and logs: URL
 * user info (`https://user:token@host` → `https://***@host`), Authorization headers, GitHub tokens
 * (`ghp_…`, `ghs_…`, `github_pat_…`), `x-access-token:…` and `token=`/`access_token=` query values are
 * replaced by `***`, and `token` itself wherever it appears; one line, at most 500 characters.
 */
export function redactMessage(text: string, token?: string): string {
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
  const out = scrub(firstLine, token)
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,})/g, '***')
    .replace(/(x-access-token:)[^@\s]+/gi, '$1***')
    .replace(/([?&](?:access_)?token=)[^&\s]+/gi, '$1***')
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***');
  return out.length > MAX_REDACTED_LENGTH ? `${out.slice(0, MAX_REDACTED_LENGTH)}…` : out;
}

function withoutUserInfo(url: string): string {
  return url.replace(/^(\w+:\/\/)[^@/]+@/, '$1');
}

/** What git's output means, as one line that says what to do. Exported for tests. */
export function describeGitFailure(verb: string, remoteUrl: string, output: string, timedOut = false): GitCommandError {
  const where = `git ${verb} ${withoutUserInfo(remoteUrl)}`;
  const rules: Array<{ when: RegExp; kind: GitFailureKind; message: string }> = [
    {
      when: /protected branch|GH006|GH013|repository rule violations|hook declined|pre-receive hook/i,
      kind: 'protected',
      message: "the branch is protected on the remote (a rule or hook declined the push): exempt Phoenix's branches (phoenix/*) from branch protection",
    },
    { when: /\[rejected\]|stale info|non-fast-forward|fetch first/i, kind: 'rejected', message: 'the remote branch moved since it was fetched' },
    {
      when: /returned error: 403|permission to .* denied|write access .* not granted|403 forbidden/i,
      kind: 'forbidden',
      message: 'the token may read but not push (HTTP 403): give the GitHub App "Contents: read and write" on the config repository',
    },
    {
      when: /returned error: 401|authentication failed|could not read (username|password)|invalid credentials|terminal prompts disabled/i,
      kind: 'unauthorized',
      message: 'the remote refused the credentials (HTTP 401): check the GitHub App id, private key and installation, or the token',
    },
    {
      when: /returned error: 404|repository not found|not found|does not appear to be a git repository/i,
      kind: 'not-found',
      message: 'the remote has no such repository, or the credentials may not see it: check the URL and that the GitHub App is installed on the repository',
    },
    {
      when: /could not resolve host|failed to connect|connection refused|connection timed out|operation timed out|network is unreachable|couldn't connect|empty reply|ssl|tls/i,
      kind: 'unreachable',
      message: 'the remote cannot be reached: check the URL and the network',
    },
  ];
  if (timedOut) return new GitCommandError(`${where}: timed out: the remote cannot be reached in time; will try again`, 'unreachable');
  const rule = rules.find((r) => r.when.test(output));
  const detail = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(fatal|error|remote: error|!)/i.test(l))
    .slice(0, 2)
    .join('; ');
  if (rule) return new GitCommandError(`${where}: ${rule.message}${detail ? ` (${detail})` : ''}`, rule.kind);
  return new GitCommandError(`${where} failed: ${detail || output.trim().split('\n').slice(-2).join('; ')}`, 'failed');
}
