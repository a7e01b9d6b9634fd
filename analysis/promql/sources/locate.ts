/**
 * Maps offsets in a decoded string value back to offsets in the file it was read from (YAML plain,
 * quoted, literal or folded scalars; JSON strings). The value's characters are aligned greedily
 * with the source text: indentation, line folding, quotes and escapes are skipped.
 */
export function valueToSourceOffsets(value: string, source: string, from: number, to: number): number[] {
  const offsets: number[] = new Array(value.length + 1);
  let j = from;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    let k = j;
    let found = -1;
    let width = 1;
    while (k < to) {
      const s = source[k]!;
      if (s === c) {
        found = k;
        break;
      }
      if (s === '\\' && decodeEscape(source[k + 1]) === c) {
        found = k;
        width = 2;
        break;
      }
      if (/\s/.test(c) && /\s/.test(s)) {
        found = k;
        break;
      }
      k++;
    }
    if (found < 0) {
      offsets[i] = j;
      continue;
    }
    offsets[i] = found;
    j = found + width;
  }
  offsets[value.length] = j;
  return offsets;
}

function decodeEscape(c: string | undefined): string | undefined {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case 'r':
      return '\r';
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    default:
      return undefined;
  }
}
