import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigCheckout, redact } from '../../clients/git/config-checkout';
import { InputError } from '../../analysis/input-error';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
}

function commitFile(work: string, file: string, text: string): string {
  mkdirSync(path.dirname(path.join(work, file)), { recursive: true });
  writeFileSync(path.join(work, file), text);
  git(work, 'add', '-A');
  git(work, 'commit', '--quiet', '-m', file);
  return git(work, 'rev-parse', 'HEAD');
}

describe('ConfigCheckout (real git, bare remote)', () => {
  it('finds each experiment folder’s last change and answers ancestry', async () => {
    // GIVEN a remote where experiment a changed, then b, then a again
    const root = mkdtempSync(path.join(os.tmpdir(), 'phoenix-checkout-'));
    const work = path.join(root, 'work');
    mkdirSync(work);
    git(root, 'init', '--quiet', '--bare', '--initial-branch=main', 'remote.git');
    git(work, 'init', '--quiet', '--initial-branch=main');
    const first = commitFile(work, 'gitops/experiments/dev/a/x.yaml', '1');
    const second = commitFile(work, 'gitops/experiments/dev/b/x.yaml', '1');
    const third = commitFile(work, 'gitops/experiments/dev/a/x.yaml', '2');
    git(work, 'push', '--quiet', path.join(root, 'remote.git'), 'main');
    // WHEN the watcher syncs its clone
    const checkout = await ConfigCheckout.sync(path.join(root, 'remote.git'), 'main', path.join(root, 'clone'));
    // THEN
    expect(checkout.head).toBe(third);
    expect(Object.fromEntries(await checkout.lastChangesUnder('gitops/experiments/dev'))).toEqual({ a: third, b: second });
    expect(await checkout.contains(first, third)).toBe(true);
    expect(await checkout.contains(third, second)).toBe(false);
    expect(await checkout.contains('9'.repeat(40), third)).toBeUndefined();
    expect(await checkout.commitsSince(second)).toEqual([third, second]);
    // AND a second sync fetches new commits into the same clone
    const fourth = commitFile(work, 'gitops/experiments/dev/b/x.yaml', '2');
    git(work, 'push', '--quiet', path.join(root, 'remote.git'), 'main');
    expect((await ConfigCheckout.sync(path.join(root, 'remote.git'), 'main', path.join(root, 'clone'))).head).toBe(fourth);
  });

  it('fails with exit 2 and no credentials in the message when the remote cannot be fetched', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'phoenix-checkout-'));
    await expect(ConfigCheckout.sync('https://user:s3cret@127.0.0.1:1/acme/config.git', 'main', path.join(root, 'clone'))).rejects.toBeInstanceOf(InputError);
    await expect(ConfigCheckout.sync('https://user:s3cret@127.0.0.1:1/acme/config.git', 'main', path.join(root, 'clone2'))).rejects.not.toThrow(/s3cret/);
    expect(redact('https://user:s3cret@host/x')).toBe('https://***@host/x');
  });
});
