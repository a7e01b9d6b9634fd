import { spawn } from 'node:child_process';
import { simpleGit } from 'simple-git';
import { InputError } from '../../analysis/input-error';

/**
 * Reads the files under one folder of a commit straight from git's object store: `git ls-tree` lists
 * them (through simple-git) and one `git cat-file --batch` process streams the blobs. Nothing is
 * checked out, no filter, hook or script of the repository runs — which is what makes reviewing a
 * fork's pull request safe.
 */

/** A committed tree: path (repository-relative, `/`-separated) → blob id and text. */
export interface CommittedTree {
  /** The commit the tree was read from. */
  readonly commit: string;
  readonly files: ReadonlyMap<string, CommittedFile>;
}

/** One committed file. */
export interface CommittedFile {
  readonly blob: string;
  readonly text: string;
}

/** Fails when `ref` is not a commit of the repository, saying which ref and where. */
export async function resolveCommit(repoDir: string, ref: string): Promise<string> {
  const git = simpleGit({ baseDir: repoDir });
  // simple-git reports a non-zero exit without stderr as success, so an empty answer means "no such commit".
  const sha = await git.raw(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).then(
    (out) => out.trim(),
    () => '',
  );
  if (!/^[0-9a-f]{40,64}$/.test(sha)) {
    throw new InputError(`'${ref}' is not a commit in ${repoDir}: fetch it first (git fetch origin ${ref})`);
  }
  return sha;
}

/** Lists `folder` at `commit` (path → blob id); an absent folder is an empty tree. */
export async function listCommittedFiles(repoDir: string, commit: string, folder: string): Promise<Map<string, string>> {
  const git = simpleGit({ baseDir: repoDir });
  const out = await git.raw(['ls-tree', '-r', '-z', '--full-tree', commit, '--', folder]);
  const files = new Map<string, string>();
  for (const entry of out.split('\0')) {
    if (!entry) continue;
    const tab = entry.indexOf('\t');
    const [mode, type, blob] = entry.slice(0, tab).split(' ');
    if (type !== 'blob' || mode === '120000') continue; // symlinks are never followed
    files.set(entry.slice(tab + 1), blob);
  }
  return files;
}

/** Reads many blobs with one `git cat-file --batch` process. */
export function readBlobs(repoDir: string, blobs: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(blobs)];
  if (wanted.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repoDir, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git cat-file failed in ${repoDir}: ${stderr.trim()}`));
      const buffer = Buffer.concat(chunks);
      const result = new Map<string, string>();
      let offset = 0;
      for (const blob of wanted) {
        const newline = buffer.indexOf(0x0a, offset);
        const header = buffer.subarray(offset, newline).toString();
        const [sha, type, size] = header.split(' ');
        if (type !== 'blob') return reject(new Error(`git object ${blob} is missing (${header})`));
        const length = Number(size);
        result.set(sha, buffer.subarray(newline + 1, newline + 1 + length).toString('utf8'));
        offset = newline + 1 + length + 1;
      }
      resolve(result);
    });
    child.stdin.end(`${wanted.join('\n')}\n`);
  });
}

/** Reads every file under `folder` at `ref`. */
export async function readCommittedTree(repoDir: string, ref: string, folder = 'gitops'): Promise<CommittedTree> {
  const commit = await resolveCommit(repoDir, ref);
  const listed = await listCommittedFiles(repoDir, commit, folder);
  const texts = await readBlobs(repoDir, listed.values());
  const files = new Map<string, CommittedFile>();
  for (const [file, blob] of listed) files.set(file, { blob, text: texts.get(blob) ?? '' });
  return { commit, files };
}

/** Every file and folder path of a commit (for Flux `path` checks). */
export async function allPathsOf(repoDir: string, commit: string): Promise<Set<string>> {
  const out = await simpleGit({ baseDir: repoDir }).raw(['ls-tree', '-r', '-t', '-z', '--name-only', '--full-tree', commit]);
  return new Set(out.split('\0').filter(Boolean));
}
