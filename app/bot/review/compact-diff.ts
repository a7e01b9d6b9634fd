/**
 * A compact unified diff of two texts (line based, longest common subsequence): only the changed
 * lines with a little context, `@@` between distant hunks, cut after `maxLines`.
 */

/** Options of `compactDiff`. */
export interface CompactDiffOptions {
  /** Unchanged lines shown around each change. @default 2 */
  readonly context?: number;
  /** Lines of output at most; the rest is summarised in one line. @default 60 */
  readonly maxLines?: number;
}

type Op = { readonly kind: ' ' | '-' | '+'; readonly text: string };

function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  // Trim the common prefix and suffix first: manifests change in a few places.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  const ops: Op[] = a.slice(0, start).map((text) => ({ kind: ' ', text }));
  if (n * m > 4_000_000) {
    // Too large for a table: show it as a replacement.
    ops.push(...midA.map((text) => ({ kind: '-' as const, text })), ...midB.map((text) => ({ kind: '+' as const, text })));
  } else {
    const table: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i -= 1) {
      for (let j = m - 1; j >= 0; j -= 1) {
        table[i][j] = midA[i] === midB[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ kind: ' ', text: midA[i] });
        i += 1;
        j += 1;
      } else if (i < n && (j >= m || table[i + 1][j] >= table[i][j + 1])) {
        ops.push({ kind: '-', text: midA[i] });
        i += 1;
      } else {
        ops.push({ kind: '+', text: midB[j] });
        j += 1;
      }
    }
  }
  ops.push(...a.slice(endA).map((text) => ({ kind: ' ' as const, text })));
  return ops;
}

/** The diff of `before` → `after`; empty when they are equal. */
export function compactDiff(before: string, after: string, options: CompactDiffOptions = {}): string {
  if (before === after) return '';
  const context = options.context ?? 2;
  const maxLines = options.maxLines ?? 60;
  const split = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
  const ops = diffLines(split(before), split(after));
  const keep = new Array<boolean>(ops.length).fill(false);
  ops.forEach((op, index) => {
    if (op.kind === ' ') return;
    for (let k = Math.max(0, index - context); k <= Math.min(ops.length - 1, index + context); k += 1) keep[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach((op, index) => {
    if (!keep[index]) {
      skipped = true;
      return;
    }
    if (skipped && out.length > 0) out.push('@@');
    skipped = false;
    out.push(`${op.kind} ${op.text}`);
  });
  if (out.length > maxLines) {
    const rest = out.length - maxLines;
    return [...out.slice(0, maxLines), `… ${rest} more line${rest === 1 ? '' : 's'}`].join('\n');
  }
  return out.join('\n');
}
