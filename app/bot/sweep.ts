import type { GitHubClient } from '../../clients/github/octokit';
import type { BotConfig } from './config';
import type { ReviewJob } from './review-queue';

/**
 * GitHub does not redeliver a webhook the bot missed (down, restarted, 5xx). The sweep walks every
 * installation's repositories and enqueues each open pull request whose current head has no
 * completed check run of ours yet.
 */

/** What the sweep needs. */
export interface SweepServices {
  readonly config: BotConfig;
  /** The app's own client (JWT). */
  readonly appClient: GitHubClient;
  clientFor(installationId: number): Promise<GitHubClient>;
}

/** Enqueues the unreviewed heads; returns how many jobs it offered. */
export async function sweepOpenPullRequests(services: SweepServices, enqueue: (job: ReviewJob) => unknown): Promise<number> {
  const { config } = services;
  const allowed = config.repositories ? new Set(config.repositories.map((r) => r.toLowerCase())) : undefined;
  let offered = 0;
  const installations = await services.appClient.paginate(services.appClient.rest.apps.listInstallations, { per_page: 100 });
  for (const installation of installations) {
    const client = await services.clientFor(installation.id);
    const repositories = await client.paginate(client.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
    for (const repository of repositories) {
      if (allowed && !allowed.has(repository.full_name.toLowerCase())) continue;
      const [owner, repo] = repository.full_name.split('/');
      const pulls = await client.paginate(client.rest.pulls.list, { owner, repo, state: 'open', per_page: 100 });
      for (const pull of pulls) {
        if (pull.draft && !config.review.reviewDrafts) continue;
        const runs = await client.rest.checks.listForRef({
          owner,
          repo,
          ref: pull.head.sha,
          check_name: config.review.checkRunName,
          filter: 'all',
          per_page: 100,
        });
        const reviewed = runs.data.check_runs.some(
          (run) => run.status === 'completed' && run.external_id === `pr-${pull.number}@${pull.head.sha}` && run.conclusion !== 'cancelled',
        );
        if (reviewed) continue;
        enqueue({
          repository: repository.full_name,
          pullNumber: pull.number,
          headSha: pull.head.sha,
          installationId: installation.id,
          cloneUrl: repository.clone_url,
          reason: 'sweep',
        });
        offered += 1;
      }
    }
  }
  return offered;
}
