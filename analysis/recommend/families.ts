import { familyNameOf, type FamilyMetadata, type MetricType, type Series } from '../series/model';

/** The series of one metric family (a histogram's `_bucket`, `_sum` and `_count` together). */
export interface MetricFamily {
  /** Family name: what the collector's processors act on as one metric. */
  readonly name: string;
  readonly type: MetricType;
  /** Prometheus series names of the family, sorted (`foo_bucket`, `foo_count`, `foo_sum`). */
  readonly seriesNames: readonly string[];
  /** Every label name seen on the family's series (without `__name__`), sorted. */
  readonly labels: readonly string[];
  /** The family's series. */
  readonly series: readonly Series[];
}

/**
 * Groups a series set into metric families: a histogram's or summary's series under their
 * family (from the snapshot's `# TYPE` metadata), every other series under its own name.
 */
export function groupFamilies(series: readonly Series[], families: ReadonlyMap<string, FamilyMetadata>): MetricFamily[] {
  const byFamily = new Map<string, { type: MetricType; names: Set<string>; labels: Set<string>; series: Series[] }>();
  const familyCache = new Map<string, string>();
  for (const s of series) {
    let family = familyCache.get(s.name);
    if (family === undefined) familyCache.set(s.name, (family = familyNameOf(s.name, families)));
    let entry = byFamily.get(family);
    if (!entry) byFamily.set(family, (entry = { type: families.get(family)?.type ?? s.type ?? 'unknown', names: new Set(), labels: new Set(), series: [] }));
    entry.names.add(s.name);
    for (const label in s.labels) entry.labels.add(label);
    entry.series.push(s);
  }
  return [...byFamily.entries()]
    .map(([name, e]) => ({ name, type: e.type, seriesNames: [...e.names].sort(), labels: [...e.labels].sort(), series: e.series }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Number of series left when every series of `family` keeps only `keep` (per series name):
 * the merge the collector's `keep_keys` + `aggregate_on_attributes` performs within a resource
 * (job and instance are always kept, so no merge crosses a resource).
 */
export function countAfterKeep(family: MetricFamily, keep: readonly string[]): number {
  const seen = new Set<string>();
  for (const s of family.series) {
    let key = s.name;
    for (const label of keep) {
      const value = s.labels[label];
      if (value !== undefined) key += `\u0000${label}\u0001${value}`;
    }
    seen.add(key);
  }
  return seen.size;
}
