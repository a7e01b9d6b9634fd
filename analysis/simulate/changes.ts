import type { Series } from '../series/model';
import type { AggregationFunction, SimulationResult } from './model';

/** What a pipeline did to one Prometheus metric name, as the guardrail checks and reports read it. */
export interface MetricChange {
  /** Prometheus metric (series) name. */
  readonly metric: string;
  /** `dropped`: no series left; `reduced`: fewer series or labels; `unchanged`. */
  readonly status: 'unchanged' | 'reduced' | 'dropped';
  readonly seriesBefore: number;
  readonly seriesAfter: number;
  /** Labels present on some input series and on no output series. */
  readonly removedLabels: readonly string[];
  /** Functions its series were merged with. */
  readonly functions: readonly AggregationFunction[];
  /** Output series of this metric written by several points (corrupted). */
  readonly collisions: number;
  /** True when every merge of this metric happened on delta points (a reset costs only what ADR 0124 states, not a whole counter). */
  readonly mergedAsDelta: boolean;
}

/** Per input metric name, what the simulated pipeline did to it (metrics only in the output are listed too). */
export function summarizeChanges(input: readonly Series[], result: SimulationResult): MetricChange[] {
  const before = new Map<string, { count: number; labels: Set<string> }>();
  for (const s of input) {
    let entry = before.get(s.name);
    if (!entry) before.set(s.name, (entry = { count: 0, labels: new Set() }));
    entry.count += 1;
    for (const k in s.labels) entry.labels.add(k);
  }
  const after = new Map<string, { count: number; labels: Set<string> }>();
  for (const s of result.output) {
    let entry = after.get(s.name);
    if (!entry) after.set(s.name, (entry = { count: 0, labels: new Set() }));
    entry.count += 1;
    for (const k in s.labels) entry.labels.add(k);
  }
  const functions = new Map<string, Set<AggregationFunction>>();
  const cumulativeMerges = new Set<string>();
  for (const a of result.aggregations) {
    if (!a.delta) cumulativeMerges.add(a.metric);
    let set = functions.get(a.metric);
    if (!set) functions.set(a.metric, (set = new Set()));
    set.add(a.fn);
  }
  const collisions = new Map<string, number>();
  for (const c of result.collisions) {
    const name = c.series.replace(/\{.*$/, '');
    collisions.set(name, (collisions.get(name) ?? 0) + 1);
  }
  const out: MetricChange[] = [];
  const names = new Set([...before.keys(), ...after.keys()]);
  for (const metric of names) {
    const b = before.get(metric);
    const a = after.get(metric);
    const removedLabels = b ? [...b.labels].filter((l) => !a?.labels.has(l)).sort() : [];
    const fns = [...(functions.get(metric) ?? [])].sort();
    const seriesBefore = b?.count ?? 0;
    const seriesAfter = a?.count ?? 0;
    const status =
      seriesAfter === 0 && seriesBefore > 0 ? 'dropped' : seriesAfter < seriesBefore || removedLabels.length > 0 || fns.length > 0 ? 'reduced' : 'unchanged';
    out.push({
      metric,
      status,
      seriesBefore,
      seriesAfter,
      removedLabels: a ? removedLabels : [],
      functions: fns,
      collisions: collisions.get(metric) ?? 0,
      mergedAsDelta: fns.length > 0 && !cumulativeMerges.has(metric),
    });
  }
  return out;
}
