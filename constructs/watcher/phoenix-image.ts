/**
 * Phoenix's own identity, written in one place: the `repository` of its package.json
 * (`github.com/<owner>/<name>`). The release workflow publishes the image
 * `ghcr.io/<owner>/<name>:<version>` from that repository on every version tag
 * (`.github/workflows/ci.yml`), so this version's image follows from the two fields.
 */
const manifest = require('../../package.json') as { version: string; repository?: string | { url?: string } };

/** `owner/name` of Phoenix's repository on GitHub, from package.json `repository`. */
export const PHOENIX_REPOSITORY = repositoryOf(manifest.repository);

/** Web address of Phoenix's repository. */
export const PHOENIX_REPOSITORY_URL = `https://github.com/${PHOENIX_REPOSITORY}`;

/** The container image the release workflow publishes for this version of Phoenix. */
export const PHOENIX_IMAGE = `ghcr.io/${PHOENIX_REPOSITORY.toLowerCase()}:${manifest.version}`;

function repositoryOf(repository: string | { url?: string } | undefined): string {
  const url = typeof repository === 'string' ? repository : repository?.url;
  const match = /github\.com[/:]([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(url ?? '') ?? /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(url ?? '');
  if (!match)
    throw new Error(
      `package.json 'repository' (${JSON.stringify(repository)}) must name a GitHub repository: the watcher's default image is published from it`,
    );
  return match[1]!;
}
