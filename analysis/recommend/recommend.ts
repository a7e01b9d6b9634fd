import { monthlyCost, type PriceModel } from '../cost/price-model';
import { Money } from '../cost/money';
import type { AnalyzedQuery } from '../promql/analyze';
import { assessQuery, DELTA_RESET_CAVEAT, type SeriesChange } from '../promql/assess';
import type { FamilyMetadata, Series } from '../series/model';
import { estimateUsage } from '../simulate/rates';
import { countAfterKeep, groupFamilies, type MetricFamily } from './families';
import { isNonAttributeLabel, labelsLeft } from './kept-attributes';
import { protectedFamilies, type UnreadableSource } from './protect';
import type { MetricRecommendation, QueryReference, RecommendationReport } from './types';

/** Input of {@link recommendReductions}. */
export interface RecommendInput {
  readonly series: readonly Series[];
  /** Family metadata (`# TYPE`, `/api/v1/metadata`). */
  readonly families: ReadonlyMap<string, FamilyMetadata>;
  /** Every rule and dashboard query that parsed. */
  readonly queries: readonly AnalyzedQuery[];
  /** Text that could not be analysed: the metrics it names are left untouched. @default - none */
  readonly unreadable?: readonly UnreadableSource[];
  /** `file:line:column: message` lines to carry into the report. @default - none */
  readonly problems?: readonly string[];
  readonly priceModel: PriceModel;
  /** Scrape / export interval. @default 60 */
  readonly intervalSeconds?: number;
  /** @default 1.5 */
  readonly bytesPerSample?: number;
  /** A change saving less than this share of its metric's cost is listed, not recommended. @default 10 */
  readonly minSavingsPercent?: number;
  /** Drop metrics no query reads. @default false */
  readonly dropUnused?: boolean;
}

/** How a counter or histogram must be read for a delta-wrapped merge to keep the answer. */
const COUNTER_READS = new Set(['rate', 'increase', 'irate']);

/** Functions that read a gauge as a counter (decreases are resets) or count its changes: not additive over series. */
const GAUGE_AS_COUNTER_READS = new Set(['rate', 'increase', 'irate', 'resets', 'changes']);

/**
 * What a counter merged as cumulative values (no delta conversion) costs: nothing for the queries
 * that read it as an absolute value, which is why it is chosen only when every reader does (ADR 0138).
 */
export const ABSOLUTE_SUM_CAVEAT =
  'merged as cumulative values (no delta conversion): every query reads the absolute value, which the merged sum keeps at every scrape, ' +
  "resets included; a query that adds rate()/increase() over it later would read one series' reset as a reset of the sum";

/** Labels the collector's translation makes (or the resource carries): never removed. */
const UNTOUCHABLE = new Set(['__name__', 'le', 'quantile', 'job', 'instance']);

/** Message attached to every delta-wrapped aggregation (the measured error is in docs/recommend.md). */
export const SERIES_BIRTH_CAVEAT =
  'merged as deltas: a series that starts mid-window (a pod replaced) loses its first ' +
  'sample in cumulativetodelta, so windows holding that first sample differ (see docs/recommend.md for the measured error)';

/**
 * For every metric family of a snapshot, the cheapest pipeline change that keeps the answer of
 * every query found: keep the labels the queries read and merge the rest with a function each
 * reading query tolerates (confirmed per query with `assessQuery`), drop a family no query reads
 * (only with `dropUnused`), otherwise leave it untouched and say why. Merges never cross a
 * resource (`job`/`instance` stay), counters and histograms merge as deltas, summaries and
 * families read raw are never touched. Ranked by saving, largest first.
 */
export function recommendReductions(input: RecommendInput): RecommendationReport {
  const families = groupFamilies(input.series, input.families);
  const protect = protectedFamilies(families, input.queries, input.unreadable ?? []);
  for (const [family, reason] of recordedFamilies(families, input.queries)) if (!protect.has(family)) protect.set(family, reason);
  const readers = readersByName(input.queries);
  const price = (series: number) =>
    monthlyCost(input.priceModel, estimateUsage(series, { intervalSeconds: input.intervalSeconds, bytesPerSample: input.bytesPerSample })).total;
  const minPercent = input.minSavingsPercent ?? 10;

  const metrics = families.map(inferCounter).map((family) => {
    const reading = uniqueQueries(family.seriesNames.flatMap((n) => readers.get(n) ?? []));
    const decision = decide(family, reading, protect.get(family.name), input.dropUnused ?? false);
    const seriesBefore = family.series.length;
    const seriesAfter =
      decision.action === 'drop'
        ? 0
        : decision.action === 'aggregate'
          ? countAfterKeep(family, labelsLeft(family.type, decision.keep, family.labels))
          : seriesBefore;
    const costBefore = price(seriesBefore);
    const costAfter = price(seriesAfter);
    const saving = costBefore.minus(costAfter);
    const savingPercent = seriesBefore === 0 ? 0 : ((seriesBefore - seriesAfter) / seriesBefore) * 100;
    let reason = decision.reason;
    let recommended = decision.action !== 'keep' && seriesAfter < seriesBefore;
    if (decision.action === 'aggregate' && seriesAfter === seriesBefore) reason = `${reason}; but no series merge in this snapshot`;
    if (recommended && savingPercent < minPercent) {
      recommended = false;
      reason = `${reason}; saves ${savingPercent.toFixed(1)}%, below the minimum of ${minPercent}%`;
    }
    const rec: MetricRecommendation = {
      metric: family.name,
      type: family.type,
      seriesNames: family.seriesNames,
      action: decision.action,
      recommended,
      keep: decision.keep,
      remove: decision.remove,
      ...(decision.function ? { function: decision.function } : {}),
      deltaConversion: decision.action === 'aggregate' && isCumulative(family) && decision.absolute !== true,
      seriesBefore,
      seriesAfter: recommended ? seriesAfter : seriesBefore,
      costBefore,
      costAfter: recommended ? costAfter : costBefore,
      saving: recommended ? saving : Money.zero(input.priceModel.currency),
      savingPercent: recommended ? savingPercent : 0,
      queries: reading.map(reference),
      reason,
      caveats: recommended ? decision.caveats : [],
    };
    return rec;
  });
  metrics.sort((a, b) => b.seriesBefore - b.seriesAfter - (a.seriesBefore - a.seriesAfter) || (a.metric < b.metric ? -1 : 1));

  const seriesBefore = metrics.reduce((n, m) => n + m.seriesBefore, 0);
  const seriesAfter = metrics.reduce((n, m) => n + m.seriesAfter, 0);
  const costBefore = price(seriesBefore);
  const costAfter = price(seriesAfter);
  return {
    metrics,
    seriesBefore,
    seriesAfter,
    costBefore,
    costAfter,
    saving: costBefore.minus(costAfter),
    savingPercent: seriesBefore === 0 ? 0 : ((seriesBefore - seriesAfter) / seriesBefore) * 100,
    queriesAnalysed: input.queries.length,
    problems: input.problems ?? [],
    currency: input.priceModel.currency,
  };
}

interface Decision {
  readonly action: 'aggregate' | 'drop' | 'keep';
  readonly keep: readonly string[];
  readonly remove: readonly string[];
  readonly function?: 'sum' | 'max' | 'min';
  /** A counter every query reads as an absolute value: merged as cumulative values (ADR 0138). */
  readonly absolute?: boolean;
  readonly reason: string;
  readonly caveats: readonly string[];
}

/**
 * Families a recording rule among the queries writes (`record: cluster:x:rate5m`): Prometheus
 * computes them from the metrics the rule reads, so no collector processor ever sees them and a
 * change to them would save nothing (the kubernetes mixin's `code_verb:apiserver_request_total:increase30d`).
 */
function recordedFamilies(families: readonly MetricFamily[], queries: readonly AnalyzedQuery[]): Map<string, string> {
  const recordedAt = new Map<string, string>();
  for (const q of queries) {
    const { rule, name, file, line, column } = q.query.origin;
    if (rule === 'record' && name !== undefined && !recordedAt.has(name)) recordedAt.set(name, `${file}:${line}:${column}`);
  }
  const out = new Map<string, string>();
  if (recordedAt.size === 0) return out;
  for (const f of families) {
    const where = [f.name, ...f.seriesNames].map((n) => recordedAt.get(n)).find((w) => w !== undefined);
    if (where) out.set(f.name, `written by the recording rule at ${where}: Prometheus computes it, the collector never carries it`);
  }
  return out;
}

const untouched = (reason: string): Decision => ({ action: 'keep', keep: [], remove: [], reason, caveats: [] });

function decide(family: MetricFamily, reading: readonly AnalyzedQuery[], protectedReason: string | undefined, dropUnused: boolean): Decision {
  if (protectedReason) return untouched(protectedReason);
  if (reading.length === 0) {
    return dropUnused
      ? { action: 'drop', keep: [], remove: [], reason: 'no rule or dashboard query reads it', caveats: [] }
      : untouched('no query reads it: --drop-unused would drop it');
  }
  if (family.type === 'unknown' || family.type === 'info' || family.type === 'stateset') {
    return untouched(
      `its type is ${family.type} (no # TYPE line or metadata): a counter must merge as deltas, a gauge with max/min — give the type to get a recommendation`,
    );
  }
  if (family.type === 'summary') return untouched('a summary: the collector does not aggregate summaries (quantiles do not merge)');
  const names = new Set(family.seriesNames);
  const needed = new Set<string>();
  // a counter no query reads through rate/increase/irate/resets/changes is read as an absolute value only
  const absolute =
    family.type === 'counter' &&
    reading.every((q) =>
      q.usage.selectors.every((sel) => sel.metric === undefined || !names.has(sel.metric) || !GAUGE_AS_COUNTER_READS.has(sel.functions[0] ?? '')),
    );
  for (const q of reading) {
    for (const sel of q.usage.selectors) {
      if (sel.metric === undefined || !names.has(sel.metric)) continue;
      const where = `${q.query.origin.file}:${q.query.origin.line}:${q.query.origin.column}`;
      if (sel.labels.kind === 'all') return untouched(`read with every label at ${where} (${sel.functions.join(' → ') || 'raw selector'})`);
      if (isCumulative(family) && !absolute && !COUNTER_READS.has(sel.functions[0] ?? '')) {
        return untouched(
          `${sel.metric} is read at ${where} without rate/increase/irate (${sel.functions.join(' → ') || 'raw selector'}): merged as deltas, its absolute value restarts from zero`,
        );
      }
      if (!isCumulative(family) && GAUGE_AS_COUNTER_READS.has(sel.functions[0] ?? '')) {
        return untouched(
          `${sel.metric} is a gauge read with ${sel.functions[0]}() at ${where}: Prometheus reads each decrease as a counter reset, so merged series change the answer`,
        );
      }
      for (const label of sel.matcherLabels) needed.add(label);
      if (sel.labels.kind === 'only') for (const label of sel.labels.labels) needed.add(label);
      else for (const label of family.labels) if (!sel.labels.labels.includes(label)) needed.add(label);
    }
  }
  const remove = family.labels.filter((l) => !needed.has(l) && !UNTOUCHABLE.has(l) && !isNonAttributeLabel(l));
  if (remove.length === 0) return untouched('the queries read every label it has');
  const keep = family.labels.filter((l) => !remove.includes(l));
  const candidates: Array<'sum' | 'max' | 'min'> = isCumulative(family) ? ['sum'] : ['sum', 'max', 'min'];
  const rejections: string[] = [];
  for (const fn of candidates) {
    const caveats = new Set<string>();
    let failure: string | undefined;
    for (const q of reading) {
      for (const name of family.seriesNames) {
        if (!q.usage.selectors.some((s) => s.metric === name)) continue;
        const change: SeriesChange = { kind: 'aggregate', metric: name, function: fn, remove };
        const verdict = assessQuery(q.usage, change);
        if (verdict.verdict === 'unchanged') {
          for (const c of verdict.caveats) caveats.add(c);
          continue;
        }
        const why = verdict.verdict === 'changed' ? verdict.reasons[0]!.reason : verdict.reasons[0];
        failure = `${fn}: ${q.query.origin.file}:${q.query.origin.line}:${q.query.origin.column}: ${why}`;
        break;
      }
      if (failure) break;
    }
    if (!failure) {
      // resets: the candidate merges counters and histograms between delta conversions (what a reset still costs: ADR 0124)
      const kept = [...caveats].filter((c) => !/reset/.test(c));
      if (absolute) kept.push(ABSOLUTE_SUM_CAVEAT);
      else if (isCumulative(family)) kept.push(SERIES_BIRTH_CAVEAT, DELTA_RESET_CAVEAT);
      if (!isCumulative(family)) kept.push('gauges merge within one batch: the collector must see every series of a scrape in one batch');
      if (absolute) kept.push('cumulative counters merge within one batch: the collector must see every series of a scrape in one batch');
      const how = `keeps ${keep.length === 0 ? 'no label' : keep.join(', ')} and merges ${remove.join(', ')} with ${fn}`;
      return {
        action: 'aggregate',
        keep,
        remove,
        function: fn,
        ...(absolute ? { absolute } : {}),
        reason: `${how}${absolute ? ' as cumulative values (every query reads it as an absolute value)' : ''}; every one of ${reading.length} quer${reading.length === 1 ? 'y' : 'ies'} keeps its answer`,
        caveats: kept,
      };
    }
    rejections.push(failure);
  }
  return untouched(`no merge function keeps every answer (${rejections.join('; ')})`);
}

/**
 * A family without type metadata whose names all end in `_total` is read as a counter (the
 * OpenMetrics rule). Safe even when wrong: the written processors select `type: 'sum'`, so a
 * metric the collector holds as a gauge is left alone by them.
 */
function inferCounter(family: MetricFamily): MetricFamily {
  if (family.type !== 'unknown' || !family.seriesNames.every((n) => n.endsWith('_total'))) return family;
  return { ...family, type: 'counter' };
}

/** Counters and histograms: cumulative in the collector, merged only as deltas. */
export function isCumulative(family: Pick<MetricFamily, 'type'>): boolean {
  return family.type === 'counter' || family.type === 'histogram' || family.type === 'gaugehistogram';
}

function readersByName(queries: readonly AnalyzedQuery[]): Map<string, AnalyzedQuery[]> {
  const out = new Map<string, AnalyzedQuery[]>();
  for (const q of queries) {
    const seen = new Set<string>();
    for (const sel of q.usage.selectors) {
      if (sel.metric === undefined || seen.has(sel.metric)) continue;
      seen.add(sel.metric);
      let list = out.get(sel.metric);
      if (!list) out.set(sel.metric, (list = []));
      list.push(q);
    }
  }
  return out;
}

function uniqueQueries(queries: readonly AnalyzedQuery[]): AnalyzedQuery[] {
  return [...new Set(queries)];
}

function reference(q: AnalyzedQuery): QueryReference {
  const o = q.query.origin;
  return { where: `${o.file}:${o.line}:${o.column}`, ...(o.name ? { name: o.name } : {}), expr: q.query.expr };
}
