import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listCommittedFiles, readCommittedTree } from '../clients/git/committed-tree';
import { reviewRefs } from '../app/bot/review/review-refs';

/**
 * `phoenix review` on a synthetic config repo: PHOENIX_BENCH_REVIEW_FILES files (default 600) of
 * ConfigMaps across three environments, a head that changes one file in ten. Prints the whole review
 * and its tree read, against a baseline measured in the same run: reading the same files one
 * `git show` at a time (what a naive reader does) instead of one `git cat-file --batch`.
 */

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
}

function configMap(env: string, index: number, version: number): string {
  const data = Array.from({ length: 20 }, (_, k) => `  key-${k}: "value-${k}-v${version}"`).join('\n');
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${index}\n  namespace: phoenix-collectors\n  labels:\n    phoenix.dev/experiment: exp-${index % 50}\ndata:\n${data}\n`;
}

function writeTree(dir: string, files: number, changedEvery: number | undefined): void {
  const envs = ['dev', 'staging', 'prod'];
  for (let i = 0; i < files; i += 1) {
    const env = envs[i % envs.length];
    const file = path.join(dir, 'gitops', 'experiments', env, `exp-${i % 50}`, `configmap-config-${i}.yaml`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, configMap(env, i, changedEvery !== undefined && i % changedEvery === 0 ? 2 : 1));
  }
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export async function run(): Promise<void> {
  const files = Number(process.env.PHOENIX_BENCH_REVIEW_FILES ?? 600);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-bench-review-'));
  try {
    git(dir, 'init', '--quiet', '--initial-branch=main');
    git(dir, 'config', 'user.email', 'bench@example.com');
    git(dir, 'config', 'user.name', 'bench');
    writeTree(dir, files, undefined);
    git(dir, 'add', '--all');
    git(dir, 'commit', '--quiet', '-m', 'base');
    git(dir, 'checkout', '--quiet', '-b', 'head');
    writeTree(dir, files, 10);
    git(dir, 'commit', '--quiet', '-am', 'head');

    const batched = await timed(() => readCommittedTree(dir, 'head'));
    const listed = await listCommittedFiles(dir, git(dir, 'rev-parse', 'head'), 'gitops');
    const naive = await timed(() => {
      let bytes = 0;
      for (const file of listed.keys()) bytes += git(dir, 'show', `head:${file}`).length;
      return bytes;
    });
    const review = await timed(() => reviewRefs({ repoDir: dir, base: 'main', head: 'head' }));
    const s = review.value.summary;
    process.stdout.write(`review: ${files} files per side, ${s.changed} changed objects, ${review.value.findings.length} findings\n`);
    process.stdout.write(`  read head tree (one cat-file --batch): ${batched.ms.toFixed(0)} ms\n`);
    process.stdout.write(`  baseline, one git show per file:       ${naive.ms.toFixed(0)} ms  (${(naive.ms / batched.ms).toFixed(1)}× slower)\n`);
    process.stdout.write(`  whole review (read both, diff, check): ${review.ms.toFixed(0)} ms\n`);
    process.stdout.write(`review: ${(batched.ms / naive.ms).toFixed(2)}× peer (reading the head tree against one git show per file; time, lower is better)\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
