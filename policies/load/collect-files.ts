import * as fs from 'node:fs';
import * as path from 'node:path';
import { PolicyInputError } from '../errors';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
/** Folders never walked: VCS metadata and dependencies. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules']);

/**
 * Expands paths to the manifest files to check: files as given, folders recursively
 * (`*.yaml`, `*.yml`, `*.json`, sorted; hidden files and folders and node_modules skipped).
 */
export function collectFiles(paths: readonly string[], baseDir = process.cwd()): string[] {
  return collectNamedFiles(paths, baseDir).map((f) => f.file);
}

/** {@link collectFiles}, saying of each file whether it was named itself (not found in a folder). */
export function collectNamedFiles(paths: readonly string[], baseDir = process.cwd()): Array<{ file: string; named: boolean }> {
  const files: string[] = [];
  const named = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(baseDir, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absolute);
    } catch {
      throw new PolicyInputError(`${given}: no such file or folder`);
    }
    if (stat.isDirectory()) walk(absolute, files);
    else {
      files.push(absolute);
      named.add(absolute);
    }
  }
  return [...new Set(files)].map((file) => ({ file, named: named.has(file) }));
}

function walk(folder: string, into: string[]): void {
  const entries = fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) walk(full, into);
    } else if (entry.isFile() && MANIFEST_FILE.test(entry.name) && !entry.name.startsWith('.')) {
      into.push(full);
    }
  }
}

/** Reads one input file as UTF-8 text after checking its size and that it is text. */
export function readInputFile(file: string, maxFileSizeBytes: number, shown = file): string {
  let text: string;
  try {
    const size = fs.statSync(file).size;
    if (size > maxFileSizeBytes) {
      throw new PolicyInputError(
        `${shown}: ${(size / 2 ** 20).toFixed(1)} MiB is over the ${(maxFileSizeBytes / 2 ** 20).toFixed(0)} MiB limit; split it or raise --max-file-size`,
      );
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof PolicyInputError) throw error;
    throw new PolicyInputError(`${shown}: cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return checkText(shown, text);
}

/** Rejects binary input (a NUL character in the first 8 KiB) and drops a byte-order mark. */
export function checkText(file: string, text: string): string {
  const nul = text.indexOf('\u0000');
  if (nul >= 0 && nul < 8192) throw new PolicyInputError(`${file}: binary file (NUL byte at offset ${nul}); pass YAML or JSON manifests only`);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
