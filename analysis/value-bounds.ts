import { InputError } from './input-error';

/**
 * Bounds on a parsed YAML or JSON value. YAML aliases are shared references after parsing: a few
 * hundred bytes can stand for billions of nodes (an alias bomb) once anything walks or serializes
 * the value. Every parsed input is measured as if expanded, with a budget, before anything else
 * reads it.
 */
export const VALUE_LIMITS = {
  /** Nodes of the value once every alias is expanded. */
  maxNodes: 1_000_000,
  /** Nesting depth. */
  maxDepth: 256,
} as const;

/** True when the text may hold a YAML alias (`*name`) — only then is the walk needed for aliases. */
export function mayHoldAliases(text: string): boolean {
  // What /(^|[\s[{,:-])\*[^\s,\]}]/ matches, found with indexOf: the regex costs more than a parse's tenth.
  for (let at = text.indexOf('*'); at >= 0; at = text.indexOf('*', at + 1)) {
    if (at + 1 >= text.length || ALIAS_NEVER_BEFORE.test(text[at + 1]!)) continue;
    if (at === 0 || ALIAS_AFTER.test(text[at - 1]!)) return true;
  }
  return false;
}

const ALIAS_AFTER = /[\s[{,:-]/;
const ALIAS_NEVER_BEFORE = /[\s,\]}]/;

/**
 * Throws an {@link InputError} naming `where` when `value`, expanded, has more than
 * {@link VALUE_LIMITS}.maxNodes nodes or is nested deeper than maxDepth. Stops as soon as a limit is
 * passed, so the check itself is bounded.
 */
export function assertValueBounded(value: unknown, where: string, limits: { maxNodes?: number; maxDepth?: number } = {}): void {
  const maxNodes = limits.maxNodes ?? VALUE_LIMITS.maxNodes;
  const maxDepth = limits.maxDepth ?? VALUE_LIMITS.maxDepth;
  let nodes = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (++nodes > maxNodes) {
      throw new InputError(`${where}: the document expands to more than ${maxNodes.toLocaleString('en-US')} values (YAML aliases used as a bomb?): refused`);
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) throw new InputError(`${where}: the document nests deeper than ${maxDepth} levels: refused`);
    if (Array.isArray(node)) for (const item of node) stack.push([item, depth + 1]);
    else for (const key of Object.keys(node)) stack.push([(node as Record<string, unknown>)[key], depth + 1]);
  }
}
