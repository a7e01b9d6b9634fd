/** A 1-based line and column in a file. */
export interface FilePosition {
  readonly line: number;
  readonly column: number;
}

/** Line starts of a text, for repeated offset → line:column look-ups. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** The 1-based line and column of a character offset (columns count UTF-16 units). */
  positionOf(offset: number): FilePosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** The 1-based line and column of `offset` in `text`. */
export function positionOf(text: string, offset: number): FilePosition {
  return new LineIndex(text).positionOf(offset);
}
