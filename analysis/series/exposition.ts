import { familyNameOf, seriesKey, StringInterner, type FamilyMetadata, type Labels, type MetricType, type Series, type SeriesSnapshot } from './model';
import { InputError } from '../input-error';

/** A line of a Prometheus / OpenMetrics text file that cannot be read, with `file:line`. */
export class ExpositionParseError extends InputError {
  constructor(
    override readonly file: string,
    override readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
    this.name = 'ExpositionParseError';
  }
}

const METRIC_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown', 'untyped']);

/**
 * Reads the Prometheus text exposition format and OpenMetrics text one line at a time, so a
 * file of any size is read with memory bounded by its distinct series (each label string is
 * interned; repeated samples of one series, as in a backfill file, count once). `# TYPE` lines
 * give family types; histogram and summary samples (`_bucket`, `_sum`, `_count`) are grouped
 * under their family's type.
 */
export class ExpositionParser {
  private readonly interner = new StringInterner();
  private readonly families = new Map<string, FamilyMetadata>();
  private readonly seen = new Set<string>();
  private readonly series: Array<{ name: string; labels: Labels }> = [];
  private lineNumber = 0;
  private ended = false;

  /** @param file the name shown in errors (`snapshot.prom:12:5: …`). */
  constructor(private readonly file: string) {}

  /** Feeds one line (without its newline). */
  push(line: string): void {
    this.lineNumber += 1;
    if (line.length === 0 || /^\s*$/.test(line)) return;
    if (this.ended) throw this.error(1, 'content after "# EOF"');
    if (line.charCodeAt(0) === 35 /* # */) {
      this.comment(line);
      return;
    }
    this.sample(line);
  }

  /** The snapshot of every distinct series read, types resolved through their family. */
  finish(takenAt?: string): SeriesSnapshot {
    const series: Series[] = new Array(this.series.length);
    const typeCache = new Map<string, MetricType | undefined>();
    for (let i = 0; i < this.series.length; i++) {
      const s = this.series[i]!;
      let type = typeCache.get(s.name);
      if (!typeCache.has(s.name)) {
        type = this.families.get(familyNameOf(s.name, this.families))?.type;
        typeCache.set(s.name, type);
      }
      series[i] = type === undefined ? s : { name: s.name, labels: s.labels, type };
    }
    return { source: this.file, series, families: this.families, ...(takenAt ? { takenAt } : {}) };
  }

  private comment(line: string): void {
    const match = /^#\s+(TYPE|HELP|UNIT|EOF)\b\s*(\S*)\s*(.*)$/.exec(line);
    if (!match) return; // free-form comment
    const [, keyword, name, rest] = match;
    if (keyword === 'EOF') {
      this.ended = true;
      return;
    }
    if (!name) throw this.error(3, `"# ${keyword}" needs a metric name`);
    const family = this.families.get(name);
    if (keyword === 'TYPE') {
      const type = rest!.trim();
      if (!METRIC_TYPES.has(type))
        throw this.error(
          line.indexOf(type) + 1,
          `unknown metric type ${JSON.stringify(type)}: use counter, gauge, histogram, summary, info, stateset, gaugehistogram or unknown`,
        );
      this.families.set(this.interner.intern(name), { ...family, type: type === 'untyped' ? 'unknown' : (type as MetricType) });
    } else if (keyword === 'HELP') {
      this.families.set(this.interner.intern(name), { type: 'unknown', ...family, help: rest!.trim() });
    } else {
      this.families.set(this.interner.intern(name), { type: 'unknown', ...family, unit: rest!.trim() });
    }
  }

  private sample(line: string): void {
    let i = 0;
    const n = line.length;
    while (i < n && isNameChar(line.charCodeAt(i), i === 0)) i++;
    if (i === 0) throw this.error(1, 'expected a metric name');
    const name = this.interner.intern(line.slice(0, i));
    const labels: Record<string, string> = {};
    if (line.charCodeAt(i) === 123 /* { */) {
      i = this.labels(line, i + 1, labels);
    }
    if (line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) throw this.error(i + 1, 'expected a space and a value after the series');
    while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
    let end = i;
    while (end < n && line.charCodeAt(end) !== 32 && line.charCodeAt(end) !== 9) end++;
    const value = line.slice(i, end);
    if (value === '' || !isNumber(value)) throw this.error(i + 1, `expected a sample value, got ${JSON.stringify(value)}`);
    const key = seriesKey(name, labels);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.series.push({ name, labels });
  }

  private labels(line: string, start: number, into: Record<string, string>): number {
    let i = start;
    const n = line.length;
    for (;;) {
      while (line.charCodeAt(i) === 32) i++;
      if (line.charCodeAt(i) === 125 /* } */) return i + 1;
      const nameStart = i;
      while (i < n && isNameChar(line.charCodeAt(i), i === nameStart, false)) i++;
      if (i === nameStart) throw this.error(i + 1, 'expected a label name');
      const label = this.interner.intern(line.slice(nameStart, i));
      while (line.charCodeAt(i) === 32) i++;
      if (line.charCodeAt(i) !== 61 /* = */) throw this.error(i + 1, `expected "=" after label ${label}`);
      i++;
      while (line.charCodeAt(i) === 32) i++;
      if (line.charCodeAt(i) !== 34 /* " */) throw this.error(i + 1, `expected a quoted value for label ${label}`);
      i++;
      let value = '';
      let chunkStart = i;
      for (;;) {
        if (i >= n) throw this.error(i + 1, `unterminated value of label ${label}`);
        const c = line.charCodeAt(i);
        if (c === 34) break;
        if (c === 92 /* \ */) {
          value += line.slice(chunkStart, i);
          const next = line[i + 1];
          value += next === 'n' ? '\n' : next === undefined ? '' : next;
          i += 2;
          chunkStart = i;
          continue;
        }
        i++;
      }
      value += line.slice(chunkStart, i);
      if (label in into) throw this.error(nameStart + 1, `label ${label} appears twice`);
      into[label] = this.interner.intern(value);
      i++;
      while (line.charCodeAt(i) === 32) i++;
      if (line.charCodeAt(i) === 44 /* , */) {
        i++;
        continue;
      }
      if (line.charCodeAt(i) === 125) return i + 1;
      throw this.error(i + 1, 'expected "," or "}" in the label set');
    }
  }

  private error(column: number, detail: string): ExpositionParseError {
    return new ExpositionParseError(this.file, this.lineNumber, column, detail);
  }
}

/** Parses a whole exposition text (for small inputs and tests; files go through {@link ExpositionParser}). */
export function parseExposition(text: string, file = '<text>'): SeriesSnapshot {
  const parser = new ExpositionParser(file);
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const line = end === -1 ? text.slice(start) : text.slice(start, end);
    parser.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (end === -1) break;
    start = end + 1;
  }
  return parser.finish();
}

function isNameChar(c: number, first: boolean, allowColon = true): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) return true;
  if (allowColon && c === 58) return true;
  return !first && c >= 48 && c <= 57;
}

function isNumber(text: string): boolean {
  if (text === 'NaN' || text === '+Inf' || text === '-Inf' || text === 'Inf') return true;
  return !Number.isNaN(Number(text));
}
