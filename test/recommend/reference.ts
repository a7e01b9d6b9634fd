import type { AnalyzedQuery } from '../../analysis/promql';
import { groupFamilies, isCumulative, structuralLabels, type MetricFamily } from '../../analysis/recommend';
import type { FamilyMetadata, Series } from '../../analysis/series';
import type { ConfiguredProcessor } from '../../analysis/simulate';
import { Processor } from '../../constructs/collector';

/**
 * The brute-force reference of docs/recommend.md: per metric family, every reduction of the kind
 * Phoenix recommends — keep a subset of the labels and merge the rest within a resource
 * (`job`/`instance` and the type's structural label stay), counters and histograms with `sum`
 * between delta conversions, counters that a query reads without rate/increase/irate also with `sum`
 * of their cumulative values (ADR 0138), gauges with `sum`, `max` or `min` — ranked by the series it leaves,
 * to be checked strictly on a real Prometheus; the best one that changes no strict answer is the
 * family's reference. Candidates merge only labels no reading query names or returns (merging those
 * changes the answer by construction: the returned label set, or the matcher's outcome); the subsets
 * tried are all of them together and each alone (at most 4 labels per family).
 */

/** One candidate reduction of one family. */
export interface ReferenceCandidate {
  readonly family: string;
  readonly remove: readonly string[];
  readonly fn: 'sum' | 'max' | 'min';
  /** A counter merged as cumulative values (no delta conversion). */
  readonly cumulative?: boolean;
  readonly seriesAfter: number;
  readonly processors: readonly ConfiguredProcessor[];
}

const RESOURCE = new Set(['job', 'instance']);

/** Labels of `family` that no query reading it names or returns. */
export function unreadLabels(family: MetricFamily, queries: readonly AnalyzedQuery[]): string[] {
  const names = new Set(family.seriesNames);
  const needed = new Set<string>(['__name__', ...RESOURCE, ...structuralLabels(family.type)]);
  for (const q of queries) {
    for (const sel of q.usage.selectors) {
      if (sel.metric === undefined || !names.has(sel.metric)) continue;
      for (const l of sel.matcherLabels) needed.add(l);
      if (sel.labels.kind === 'all') return [];
      if (sel.labels.kind === 'only') for (const l of sel.labels.labels) needed.add(l);
      else for (const l of family.labels) if (!sel.labels.labels.includes(l)) needed.add(l);
    }
  }
  return family.labels.filter((l) => !needed.has(l));
}

/** The queries that read a family by name. */
export function readersOf(family: MetricFamily, queries: readonly AnalyzedQuery[]): AnalyzedQuery[] {
  const names = new Set(family.seriesNames);
  return queries.filter((q) => q.usage.selectors.some((s) => s.metric !== undefined && names.has(s.metric)));
}

/** Every candidate of every family with a label to merge, each family's ranked by series left (fewest first). */
export function referenceCandidates(
  series: readonly Series[],
  metadata: ReadonlyMap<string, FamilyMetadata>,
  queries: readonly AnalyzedQuery[],
): Map<string, ReferenceCandidate[]> {
  const out = new Map<string, ReferenceCandidate[]>();
  for (const family of groupFamilies(series, metadata)) {
    if (family.type !== 'counter' && family.type !== 'gauge' && family.type !== 'histogram') continue;
    if (readersOf(family, queries).length === 0) continue;
    const removable = unreadLabels(family, queries).slice(0, 4);
    if (removable.length === 0) continue;
    const fns: Array<'sum' | 'max' | 'min'> = isCumulative(family) ? ['sum'] : ['sum', 'max', 'min'];
    // a counter some query reads without rate/increase/irate: its absolute value restarts under a delta merge, a cumulative sum keeps it
    const names = new Set(family.seriesNames);
    const absoluteRead =
      family.type === 'counter' &&
      queries.some((q) => q.usage.selectors.some((sel) => sel.metric !== undefined && names.has(sel.metric) && !RATE_READS.has(sel.functions[0] ?? '')));
    const candidates: ReferenceCandidate[] = [];
    const subsets = [removable, ...(removable.length > 1 ? removable.map((l) => [l]) : [])];
    for (const remove of subsets) {
      const keep = family.labels.filter((l) => !remove.includes(l) && !RESOURCE.has(l) && !structuralLabels(family.type).has(l));
      const seriesAfter = new Set(
        family.series.map(
          (s) =>
            `${s.name}${JSON.stringify(
              Object.entries(s.labels)
                .filter(([l]) => !remove.includes(l))
                .sort(),
            )}`,
        ),
      ).size;
      for (const fn of fns) candidates.push({ family: family.name, remove, fn, seriesAfter, processors: processorsFor(family, keep, fn) });
      if (absoluteRead)
        candidates.push({ family: family.name, remove, fn: 'sum', cumulative: true, seriesAfter, processors: processorsFor(family, keep, 'sum', true) });
    }
    out.set(
      family.name,
      candidates.sort((a, b) => a.seriesAfter - b.seriesAfter),
    );
  }
  return out;
}

const RATE_READS = new Set(['rate', 'increase', 'irate']);

function processorsFor(family: MetricFamily, keep: readonly string[], fn: 'sum' | 'max' | 'min', cumulative = false): ConfiguredProcessor[] {
  const type = family.type === 'counter' ? 'sum' : family.type === 'histogram' ? 'histogram' : 'gauge';
  const delta = isCumulative(family) && !cumulative;
  const components = [
    ...(delta ? [Processor.cumulativeToDelta({ name: 'ref', metrics: [family.name] })] : []),
    Processor.keepAttributes({
      name: 'ref',
      metrics: [{ name: family.name, type }],
      keep,
      ...(type === 'gauge' ? { gaugeFunction: fn } : type === 'sum' ? { aggregation: fn } : {}),
      ...(cumulative ? { absoluteSums: true } : {}),
    }),
    ...(delta ? [Processor.deltaToCumulative({ name: 'ref' })] : []),
  ];
  return components.map((c) => ({ id: c.id, config: c.render() }));
}
