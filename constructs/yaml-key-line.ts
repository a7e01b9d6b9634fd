import { isMap, isScalar, type Document, type LineCounter, type Node } from 'yaml';

/**
 * The 1-based line of the deepest mapping key of `path` present in a parsed YAML document (the
 * key itself when its value is missing), so a validation error can point at `file:line` even for
 * a field that is absent or misspelt.
 */
export function lineOfKeyPath(document: Document, path: readonly string[], lineCounter: LineCounter): number {
  let node: unknown = document.contents;
  let offset = (document.contents as Node | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
    if (!pair) break;
    offset = (pair.key as Node).range?.[0] ?? offset;
    node = pair.value;
  }
  return lineCounter.linePos(offset).line;
}
