import { familyNameOf, StringInterner, type FamilyMetadata, type Labels, type MetricType, type Series, type SeriesSnapshot } from './model';

/** A label set as `/api/v1/series` returns it (with `__name__`). */
export type ApiLabelSet = Readonly<Record<string, string>>;

const KNOWN_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown']);

/**
 * Builds snapshots from what a Prometheus-compatible API returns, one metric name's page at a
 * time (`/api/v1/series` per name), with types from `/api/v1/metadata`. Pure: the caller does
 * the fetching. Label strings are interned across pages.
 */
export class ApiSnapshotBuilder {
  private readonly interner = new StringInterner();
  private readonly series: Series[] = [];
  private readonly families = new Map<string, FamilyMetadata>();

  /** @param metadata `/api/v1/metadata`'s answer: metric family name → its metadata entries. */
  constructor(
    private readonly source: string,
    metadata: Readonly<Record<string, ReadonlyArray<{ readonly type: string; readonly help?: string; readonly unit?: string }>>> = {},
  ) {
    for (const [name, entries] of Object.entries(metadata)) {
      const first = entries[0];
      if (!first) continue;
      const type = KNOWN_TYPES.has(first.type) ? (first.type as MetricType) : 'unknown';
      this.families.set(name, { type, ...(first.help ? { help: first.help } : {}), ...(first.unit ? { unit: first.unit } : {}) });
    }
  }

  /** Adds one page of label sets (each with `__name__`). */
  add(page: readonly ApiLabelSet[]): void {
    for (const set of page) {
      const name = set.__name__;
      if (name === undefined) continue;
      const labels: Record<string, string> = {};
      for (const key of Object.keys(set)) {
        if (key === '__name__') continue;
        labels[this.interner.intern(key)] = this.interner.intern(set[key]!);
      }
      const type = this.families.get(familyNameOf(name, this.families))?.type;
      const interned = this.interner.intern(name);
      this.series.push(type ? { name: interned, labels: labels as Labels, type } : { name: interned, labels: labels as Labels });
    }
  }

  /** The snapshot of everything added. */
  finish(takenAt?: string): SeriesSnapshot {
    return { source: this.source, series: this.series, families: this.families, ...(takenAt ? { takenAt } : {}) };
  }
}
