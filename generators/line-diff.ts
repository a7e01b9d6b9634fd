/**
 * A compact unified diff of two texts, line by line: only the hunks that changed, with
 * `context` unchanged lines around each; lines start with ' ', '-' or '+', hunks with '@@'.
 * Longest-common-subsequence based; objects are small, so O(n·m) is fine.
 */
export function unifiedLineDiff(before: string, after: string, context = 2): string[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Array<[' ' | '-' | '+', string]> = [];
  for (let i = 0; i < start; i++) ops.push([' ', a[i]]);
  ops.push(...middle(a.slice(start, endA), b.slice(start, endB)));
  for (let i = endA; i < a.length; i++) ops.push([' ', a[i]]);
  return hunks(ops, context);
}

function middle(a: readonly string[], b: readonly string[]): Array<[' ' | '-' | '+', string]> {
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const ops: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push([' ', a[i++]]);
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) ops.push(['-', a[i++]]);
    else ops.push(['+', b[j++]]);
  }
  while (i < n) ops.push(['-', a[i++]]);
  while (j < m) ops.push(['+', b[j++]]);
  return ops;
}

function hunks(ops: ReadonlyArray<[' ' | '-' | '+', string]>, context: number): string[] {
  const keep = new Array<boolean>(ops.length).fill(false);
  ops.forEach(([op], index) => {
    if (op === ' ') return;
    for (let k = Math.max(0, index - context); k <= Math.min(ops.length - 1, index + context); k++) keep[k] = true;
  });
  const out: string[] = [];
  let previous = -2;
  ops.forEach(([op, line], index) => {
    if (!keep[index]) return;
    if (index !== previous + 1) out.push('@@');
    out.push(`${op}${line}`);
    previous = index;
  });
  return out;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
