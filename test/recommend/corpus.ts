import fs from 'node:fs';
import path from 'node:path';
import { analyzeQueries, findDashboardQueries, findRuleQueries, formatQueryProblem, type AnalyzedQuery } from '../../analysis/promql';
import type { UnreadableSource } from '../../analysis/recommend';
import type { FamilyMetadata, MetricType, Series } from '../../analysis/series';

/** The committed real-world corpora (test/fixtures/corpora/README.md). */
export const CORPORA_DIR = path.resolve(__dirname, '../fixtures/corpora');

/** One corpus: its files, queries, and generated series with samples. */
export interface Corpus {
  readonly name: string;
  /** `rules/x.yaml` / `dashboards/y.json` → text. */
  readonly files: ReadonlyMap<string, string>;
  readonly queries: readonly AnalyzedQuery[];
  readonly unreadable: readonly UnreadableSource[];
  readonly problems: readonly string[];
  /** Files whose every query parsed (the experiment references them whole). */
  readonly wholeRuleFiles: readonly string[];
  readonly wholeDashboards: readonly string[];
  readonly series: Series[];
  readonly samples: Array<Array<[number, number]>>;
  readonly families: Map<string, FamilyMetadata>;
}

export function corpusNames(): string[] {
  return fs
    .readdirSync(CORPORA_DIR)
    .filter((n) => fs.statSync(path.join(CORPORA_DIR, n)).isDirectory())
    .sort();
}

/** Reads and analyses a corpus's rule files and dashboards. */
export function readCorpus(name: string): Omit<Corpus, 'series' | 'samples' | 'families'> {
  const files = new Map<string, string>();
  const queries: AnalyzedQuery[] = [];
  const unreadable: UnreadableSource[] = [];
  const problems: string[] = [];
  const wholeRuleFiles: string[] = [];
  const wholeDashboards: string[] = [];
  for (const kind of ['rules', 'dashboards'] as const) {
    const dir = path.join(CORPORA_DIR, name, kind);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      const rel = `${kind}/${file}`;
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      files.set(rel, text);
      const found = kind === 'rules' ? findRuleQueries(rel, text) : findDashboardQueries(rel, text);
      const result = analyzeQueries(found.queries);
      for (const p of found.problems) problems.push(formatQueryProblem(p));
      if (found.problems.length > 0) unreadable.push({ where: rel, text });
      for (const p of result.problems) {
        problems.push(formatQueryProblem(p));
        unreadable.push({ where: `${p.file}:${p.line}:${p.column}`, text: p.query.original });
      }
      queries.push(...result.analyzed);
      if (found.problems.length === 0 && result.problems.length === 0 && result.analyzed.length > 0)
        (kind === 'rules' ? wholeRuleFiles : wholeDashboards).push(rel);
    }
  }
  return { name, files, queries, unreadable, problems, wholeRuleFiles, wholeDashboards };
}

const HIGH_CARDINALITY = { pod: ['pod-a', 'pod-b', 'pod-c'], request_path: ['/x', '/y'] };
const INSTANCES = ['host-0:9100', 'host-1:9100'];
const BUCKETS = ['0.1', '1', '+Inf'];

/**
 * Series for every metric the queries read: the labels they name (values taken from their
 * equality matchers and plain alternations, else two generic values), `job`/`instance`, and the
 * unqueried high-cardinality labels `pod` and `request_path`. Types: `*_bucket` read with `le`
 * → histogram (with `_sum`/`_count`), `*_total`, `*_count`, `*_sum` → counter, the rest gauges
 * (a `quantile` label on a gauge is what a summary exported as gauges looks like).
 */
export function generateCorpusSeries(corpus: Pick<Corpus, 'queries'>, times: readonly number[]): Pick<Corpus, 'series' | 'samples' | 'families'> {
  const labels = new Map<string, Map<string, Set<string>>>();
  const metrics = (name: string) => {
    let m = labels.get(name);
    if (!m) labels.set(name, (m = new Map()));
    return m;
  };
  const addValue = (metric: string, label: string, value: string | undefined) => {
    if (label === '__name__') return;
    const m = metrics(metric);
    let set = m.get(label);
    if (!set) m.set(label, (set = new Set()));
    if (value !== undefined && value !== '' && set.size < 4) set.add(value);
  };
  for (const q of corpus.queries) {
    for (const sel of q.usage.selectors) {
      if (sel.metric === undefined) continue;
      metrics(sel.metric);
      for (const m of sel.matchers) {
        if (m.op === '=') addValue(sel.metric, m.name, m.value);
        else if (m.op === '=~' && /^[\w.:/ -]+(\|[\w.:/ -]+)*$/.test(m.value)) for (const v of m.value.split('|')) addValue(sel.metric, m.name, v);
        else addValue(sel.metric, m.name, undefined);
      }
      if (sel.labels.kind !== 'all') for (const l of sel.labels.labels) addValue(sel.metric, l, undefined);
    }
  }
  // a histogram family: the base of a `_bucket` name
  const histograms = new Set([...labels.keys()].filter((n) => n.endsWith('_bucket')).map((n) => n.slice(0, -7)));
  const families = new Map<string, FamilyMetadata>();
  const byFamily = new Map<string, Map<string, Set<string>>>();
  const familyOf = (n: string) => {
    for (const suffix of ['_bucket', '_sum', '_count']) if (n.endsWith(suffix) && histograms.has(n.slice(0, -suffix.length))) return n.slice(0, -suffix.length);
    return n;
  };
  for (const [name, ls] of labels) {
    const family = familyOf(name);
    let merged = byFamily.get(family);
    if (!merged) byFamily.set(family, (merged = new Map()));
    for (const [l, vs] of ls) {
      if (l === 'le' && histograms.has(family)) continue;
      let set = merged.get(l);
      if (!set) merged.set(l, (set = new Set()));
      for (const v of vs) if (set.size < 4) set.add(v);
    }
  }
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const series: Series[] = [];
  const samples: Array<Array<[number, number]>> = [];
  for (const [family, ls] of [...byFamily].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const type: MetricType = histograms.has(family) ? 'histogram' : /_(total|count|sum)$/.test(family) ? 'counter' : 'gauge';
    families.set(family, { type });
    let combos: Array<Record<string, string>> = [{}];
    const resource: Array<readonly [string, readonly string[]]> = [
      ['job', ls.get('job')?.size ? [...ls.get('job')!] : ['integrations/corpus']],
      ['instance', [...new Set([...(ls.get('instance') ?? []), ...INSTANCES])].slice(0, 3)],
    ];
    const dims = [
      ...resource,
      ...[...ls].filter(([l]) => l !== 'job' && l !== 'instance').map(([l, vs]) => [l, vs.size > 0 ? [...vs] : ['v0', 'v1']] as const),
    ];
    for (const [l, vs] of [...dims, ...Object.entries(HIGH_CARDINALITY).filter(([l]) => !ls.has(l))]) {
      if (combos.length * vs.length > 400) continue; // bounded: a label that would explode the family keeps one value
      combos = combos.flatMap((c) => vs.map((v) => ({ ...c, [l]: v })));
    }
    for (const c of combos) {
      if (type === 'histogram') {
        const rate = 1 + Math.floor(random() * 10);
        // a real histogram: each bucket's own count only grows, `le` buckets add them up, +Inf is the count
        const shares = [0.5, 0.3, 0.2];
        const own = BUCKETS.map((_, i) => counterValues(times, rate * shares[i]!, random));
        const cumulative = own.map((_, i) => times.map((t, k): [number, number] => [t, own.slice(0, i + 1).reduce((sum, o) => sum + o[k]![1], 0)]));
        BUCKETS.forEach((le, i) => add(`${family}_bucket`, { ...c, le }, 'histogram', cumulative[i]!));
        add(
          `${family}_count`,
          c,
          'histogram',
          cumulative[BUCKETS.length - 1]!.map(([t, v]) => [t, v]),
        );
        add(`${family}_sum`, c, 'histogram', counterValues(times, rate * 0.3, random));
      } else if (type === 'counter') {
        add(family, c, 'counter', counterValues(times, 1 + Math.floor(random() * 20), random));
      } else {
        const base = Math.floor(random() * 100);
        add(
          family,
          c,
          'gauge',
          times.map((t) => [t, base + Math.floor(random() * 10)] as [number, number]),
        );
      }
    }
  }
  function add(name: string, l: Record<string, string>, type: MetricType, values: Array<[number, number]>) {
    series.push({ name, labels: l, type });
    samples.push(values);
  }
  return { series, samples, families };
}

function counterValues(times: readonly number[], rate: number, random: () => number): Array<[number, number]> {
  let value = Math.floor(random() * 1000);
  return times.map((t) => [t, (value += Math.floor(random() * rate * 2))] as [number, number]);
}
