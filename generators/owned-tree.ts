import fs from 'node:fs';
import path from 'node:path';
import { SynthError } from './errors';

/** The list of files `phoenix synth` wrote, at the tree root; the only files it ever changes or removes. */
export const OWNED_LIST = '.phoenix-owned.json';
/** Written before the first change and removed after the owned list: its presence means a synth was interrupted. */
export const JOURNAL = '.phoenix-synth-journal.json';
/** Staging folder inside the tree (same filesystem, so files move into place by rename). */
export const STAGING = '.phoenix-tmp';

/** Which tree-relative paths a run is responsible for (`--env` narrows it). */
export type TreeScope = (relativePath: string) => boolean;

/** The whole tree. */
export const wholeTree: TreeScope = () => true;

/** Only the folders of the named environments: `clusters/<env>/`, `experiments/<env>/`, `infrastructure/<env>/`. */
export function environmentsScope(names: readonly string[]): TreeScope {
  const prefixes = names.flatMap((name) => [`clusters/${name}/`, `experiments/${name}/`, `infrastructure/${name}/`]);
  return (relativePath) => prefixes.some((prefix) => relativePath.startsWith(prefix));
}

/** What a write changed. */
export interface WriteReport {
  readonly written: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: number;
  /** A previous synth had been interrupted and this run completed its work. */
  readonly repaired: boolean;
}

/** How the tree on disk differs from the synthesized one. */
export interface TreeDifferences {
  readonly missing: readonly string[];
  readonly changed: readonly string[];
  /** Owned files that synth would remove. */
  readonly extra: readonly string[];
}

interface OwnedListFile {
  readonly version: 1;
  readonly files: readonly string[];
}

/**
 * Writes `files` under `outDir` safely: every check first (nothing written when one fails),
 * a journal naming every file the run may touch, changed files staged in `.phoenix-tmp/`
 * and renamed into place, stale owned files removed, the owned list written last and the
 * journal removed. Files synth did not write are never changed or removed; a file in the
 * way that synth did not write is an error (exit 2). An interrupted run leaves the journal,
 * and the next run repairs the tree from it.
 */
export function writeTree(outDir: string, files: ReadonlyMap<string, string>, scope: TreeScope = wholeTree): WriteReport {
  const root = path.resolve(outDir);
  const staging = prepareRoot(root);
  try {
    const owned = readOwned(root);
    const journal = readJournal(root);
    const previously = new Set([...owned, ...(journal ?? [])]);
    const disk = listDisk(root);
    const problems = conflicts(root, files, previously, disk);
    if (problems.length > 0) throw new SynthError(problems);

    writeAtomically(root, JOURNAL, json({ version: 1, files: sorted([...previously, ...files.keys()]) }));
    const changed: string[] = [];
    let unchanged = 0;
    for (const [relative, content] of files) {
      if (disk.files.has(relative) && readIfFile(path.join(root, relative)) === content) unchanged++;
      else changed.push(relative);
    }
    changed.forEach((relative, index) => fs.writeFileSync(path.join(staging, String(index)), files.get(relative)!));
    const made = new Set(disk.dirs);
    changed.forEach((relative, index) => {
      const folder = path.posix.dirname(relative);
      if (folder !== '.' && !made.has(folder)) {
        fs.mkdirSync(path.join(root, folder), { recursive: true });
        made.add(folder);
      }
      fs.renameSync(path.join(staging, String(index)), path.join(root, relative));
    });
    const removed = [...previously].filter((relative) => scope(relative) && !files.has(relative)).sort();
    for (const relative of removed) removeOwned(root, relative);

    const keep = [...previously].filter((relative) => !scope(relative) && !files.has(relative));
    writeAtomically(root, OWNED_LIST, ownedListText([...keep, ...files.keys()]));
    fs.rmSync(path.join(root, JOURNAL), { force: true });
    return { written: changed, removed, unchanged, repaired: journal !== undefined };
  } finally {
    fs.rmSync(path.join(root, STAGING), { recursive: true, force: true });
  }
}

/**
 * Compares the tree on disk with `files` (within `scope`) without writing: files missing,
 * changed, and owned files that would be removed; the owned list itself and an interrupted
 * run's journal count as differences too.
 */
export function checkTree(outDir: string, files: ReadonlyMap<string, string>, scope: TreeScope = wholeTree): TreeDifferences {
  const root = path.resolve(outDir);
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [relative, content] of files) {
    const actual = readIfFile(path.join(root, relative));
    if (actual === undefined) missing.push(relative);
    else if (actual !== content) changed.push(relative);
  }
  let owned: string[] = [];
  try {
    owned = readOwned(root);
  } catch {
    changed.push(OWNED_LIST);
  }
  const extra = owned.filter((relative) => scope(relative) && !files.has(relative) && readIfFile(path.join(root, relative)) !== undefined);
  const keep = owned.filter((relative) => !scope(relative) && !files.has(relative));
  const ownedText = readIfFile(path.join(root, OWNED_LIST));
  if (ownedText === undefined) missing.push(OWNED_LIST);
  else if (ownedText !== ownedListText([...keep, ...files.keys()]) && !changed.includes(OWNED_LIST)) changed.push(OWNED_LIST);
  if (fs.existsSync(path.join(root, JOURNAL))) extra.push(JOURNAL);
  return { missing: sorted(missing), changed: sorted(changed), extra: sorted(extra) };
}

/** True when the tree on disk matches. */
export function isFresh(differences: TreeDifferences): boolean {
  return differences.missing.length + differences.changed.length + differences.extra.length === 0;
}

function prepareRoot(root: string): string {
  const staging = path.join(root, STAGING);
  try {
    fs.mkdirSync(root, { recursive: true });
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging);
    fs.accessSync(staging, fs.constants.W_OK);
  } catch (error) {
    throw new SynthError([
      `cannot write to the output folder ${root}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose a writable folder with -o`,
    ]);
  }
  return staging;
}

function conflicts(root: string, files: ReadonlyMap<string, string>, owned: ReadonlySet<string>, disk: DiskListing): string[] {
  const problems: string[] = [];
  for (const [relative, content] of files) {
    const target = path.join(root, relative);
    const parts = relative.split('/');
    const blocking = parts
      .slice(1)
      .map((_, index) => parts.slice(0, index + 1).join('/'))
      .find((parent) => disk.files.has(parent));
    if (blocking !== undefined) problems.push(`${target}: ${path.join(root, blocking)} is a file that phoenix synth did not write; move it away`);
    else if (disk.dirs.has(relative)) problems.push(`${target}: is a folder, but phoenix synth writes a file here; move the folder away`);
    else if (disk.files.has(relative) && !owned.has(relative) && fs.readFileSync(target, 'utf8') !== content) {
      problems.push(`${target}: exists and was not written by phoenix synth (not in ${OWNED_LIST}); move it away or delete it, then run synth again`);
    }
  }
  return problems;
}

/** Files and folders under the tree root (tree-relative), read once instead of one failing stat per new file. */
interface DiskListing {
  readonly files: Set<string>;
  readonly dirs: Set<string>;
}

function listDisk(root: string): DiskListing {
  const files = new Set<string>();
  const dirs = new Set<string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (relative === STAGING) continue;
        dirs.add(relative);
        walk(path.join(dir, entry.name), relative);
      } else files.add(relative);
    }
  };
  walk(root, '');
  return { files, dirs };
}

function readOwned(root: string): string[] {
  const text = readIfFile(path.join(root, OWNED_LIST));
  if (text === undefined) return [];
  return parseList(text, path.join(root, OWNED_LIST));
}

function readJournal(root: string): string[] | undefined {
  const text = readIfFile(path.join(root, JOURNAL));
  return text === undefined ? undefined : parseList(text, path.join(root, JOURNAL));
}

function parseList(text: string, file: string): string[] {
  let parsed: OwnedListFile;
  try {
    parsed = JSON.parse(text) as OwnedListFile;
  } catch (error) {
    throw new SynthError([
      `${file}: not valid JSON (${(error as Error).message}); restore it from git (git checkout -- ${path.basename(file)}) and run synth again`,
    ]);
  }
  const safe =
    Array.isArray(parsed?.files) && parsed.files.every((entry) => typeof entry === 'string' && !entry.startsWith('/') && !entry.split('/').includes('..'));
  if (!safe) throw new SynthError([`${file}: 'files' must list paths inside the tree; restore it from git and run synth again`]);
  return [...parsed.files];
}

function ownedListText(files: Iterable<string>): string {
  return json({ version: 1, generator: 'phoenix synth', files: sorted(new Set(files)) });
}

function removeOwned(root: string, relative: string): void {
  fs.rmSync(path.join(root, relative), { force: true });
  let dir = path.dirname(path.join(root, relative));
  while (dir.startsWith(root + path.sep)) {
    try {
      fs.rmdirSync(dir);
    } catch {
      return;
    }
    dir = path.dirname(dir);
  }
}

function writeAtomically(root: string, name: string, content: string): void {
  const temp = path.join(root, STAGING, `${name}.next`);
  fs.writeFileSync(temp, content);
  fs.renameSync(temp, path.join(root, name));
}

function readIfFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}
