/**
 * A Prometheus exposition served over loopback HTTP for a real scraper (the collector's
 * `prometheus` receiver), changed between scrapes under test control.
 *
 * One listener per target ("pod"), each on its own free 127.0.0.1 port, so `instance` differs per
 * target as in a cluster. Each scrape of a target calls its source with the scrape number and
 * serves what it returns; every scrape is recorded (time, families served). With `timestamps`
 * (the default) every sample line carries the serve time in milliseconds, so a test knows the
 * exact timestamps that land downstream. A source returning `[]` serves an empty exposition (the
 * target is up, its series are gone): that is how a series disappears or a pod is replaced.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Series } from '../../analysis/series';

/** A family's type as the text format writes it. */
export type ExpositionType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/** One sample line: full sample name (`x_bucket`, `x_total`), labels, value. */
export interface ExpositionSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One metric family: `# HELP`/`# TYPE` header and its samples. */
export interface ExpositionFamily {
  readonly name: string;
  readonly type: ExpositionType;
  readonly help?: string;
  readonly samples: readonly ExpositionSample[];
}

/** What a target serves at its `scrape`-th scrape (0-based). */
export type ExpositionSource = (scrape: number) => readonly ExpositionFamily[];

/** One served scrape. */
export interface ServedScrape {
  readonly target: string;
  readonly scrape: number;
  /** Serve time in ms, written on every sample line when `timestamps` is on. */
  readonly timestampMs: number;
  readonly families: readonly ExpositionFamily[];
}

/** Options of {@link startExposition}. */
export interface StartExpositionOptions {
  /** Target name → what it serves. */
  readonly targets: Readonly<Record<string, ExpositionSource>>;
  /** Write the serve time on every sample line. @default true */
  readonly timestamps?: boolean;
  /** Keep the served families in {@link ExpositionServer.scrapes} (off for big benchmarks). @default true */
  readonly record?: boolean;
}

/** A running exposition server. */
export interface ExpositionServer {
  /** Target name → `127.0.0.1:port` (what a scrape config lists). */
  readonly addresses: ReadonlyMap<string, string>;
  /** Every scrape served so far, in order. */
  readonly scrapes: readonly ServedScrape[];
  /** Scrapes served so far per target. */
  count(target: string): number;
  /** Resolves once `target` was scraped `n` times; rejects after `timeoutMs`. */
  waitForScrapes(target: string, n: number, timeoutMs?: number): Promise<void>;
  /** Closes every listener. Safe to call twice. */
  stop(): Promise<void>;
}

/** Serves one exposition per target on free loopback ports; the caller must `stop()` it. */
export async function startExposition(options: StartExpositionOptions): Promise<ExpositionServer> {
  const timestamps = options.timestamps ?? true;
  const record = options.record ?? true;
  const scrapes: ServedScrape[] = [];
  const counts = new Map<string, number>();
  const addresses = new Map<string, string>();
  const servers: http.Server[] = [];
  const waiters: Array<() => void> = [];
  for (const [target, source] of Object.entries(options.targets)) {
    counts.set(target, 0);
    const server = http.createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      const scrape = counts.get(target)!;
      const timestampMs = Date.now();
      const families = source(scrape);
      counts.set(target, scrape + 1);
      if (record) scrapes.push({ target, scrape, timestampMs, families });
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      response.end(renderExposition(families, timestamps ? timestampMs : undefined));
      for (const wake of waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    servers.push(server);
    addresses.set(target, `127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  let stopped = false;
  return {
    addresses,
    scrapes,
    count: (target) => counts.get(target) ?? 0,
    async waitForScrapes(target, n, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while ((counts.get(target) ?? 0) < n) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(
            `target ${target} was scraped ${counts.get(target) ?? 0} times, not ${n}, within ${timeoutMs} ms: is the collector scraping ${addresses.get(target)}?`,
          );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

/** The text format (version 0.0.4) of `families`, with `timestampMs` on every sample when given. */
export function renderExposition(families: readonly ExpositionFamily[], timestampMs?: number): string {
  const lines: string[] = [];
  const suffix = timestampMs === undefined ? '' : ` ${timestampMs}`;
  for (const family of families) {
    if (family.help !== undefined) lines.push(`# HELP ${family.name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels)
        .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
        .join(',');
      lines.push(`${sample.name}${labels ? `{${labels}}` : ''} ${formatValue(sample.value)}${suffix}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * The series a scrape of `families` by job `job` at `instance` yields, as analysis/series models
 * them (the Prometheus names, `job`/`instance` labels, the family's type).
 */
export function seriesOfFamilies(families: readonly ExpositionFamily[], job: string, instance: string): Series[] {
  const out: Series[] = [];
  for (const family of families) {
    const type = family.type === 'untyped' ? 'unknown' : family.type;
    for (const sample of family.samples) out.push({ name: sample.name, labels: { ...sample.labels, job, instance }, type });
  }
  return out;
}

/**
 * The samples of one histogram series of `count` observations: buckets `le` 0.1, 1 and +Inf holding
 * a quarter, three quarters and all of them (rounded down), `_sum` an eighth of a second each, `_count`.
 */
export function histogramSamples(name: string, labels: Readonly<Record<string, string>>, count: number): ExpositionSample[] {
  return [
    ...(
      [
        ['0.1', 0.25],
        ['1', 0.75],
        ['+Inf', 1],
      ] as const
    ).map(([le, share]) => ({ name: `${name}_bucket`, labels: { ...labels, le }, value: Math.floor(count * share) })),
    { name: `${name}_sum`, labels, value: count * 0.125 },
    { name: `${name}_count`, labels, value: count },
  ];
}

/**
 * The simulation's input from what `exposition` served so far: every scraped series (as
 * {@link seriesOfFamilies} names it, scraped as job `job`, `instance` the target's address) once,
 * in the order first served, with its samples at the serve times; only the families `include` keeps.
 */
export function scrapedInput(
  exposition: ExpositionServer,
  job: string,
  include: (family: ExpositionFamily) => boolean = () => true,
): { input: Series[]; samples: Array<Array<[number, number]>> } {
  const index = new Map<string, number>();
  const input: Series[] = [];
  const samples: Array<Array<[number, number]>> = [];
  for (const scrape of exposition.scrapes) {
    const instance = exposition.addresses.get(scrape.target)!;
    for (const family of scrape.families.filter(include)) {
      for (const [j, series] of seriesOfFamilies([family], job, instance).entries()) {
        const key = JSON.stringify([series.name, Object.entries(series.labels).sort(([a], [b]) => a.localeCompare(b))]);
        let i = index.get(key);
        if (i === undefined) {
          index.set(key, (i = input.length));
          input.push(series);
          samples.push([]);
        }
        samples[i]!.push([scrape.timestampMs / 1000, family.samples[j]!.value]);
      }
    }
  }
  return { input, samples };
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** One loose sample of {@link startSampleExposition}: full Prometheus name, labels, value. */
export interface ExposedSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A single-target exposition of loose samples, re-rendered on every scrape. */
export interface SampleExposition {
  /** `host:port`, as a scrape config's target. */
  readonly target: string;
  /** Scrapes served so far. */
  scrapes(): number;
  /** Resolves once `count` more scrapes have been served after the call. */
  waitForScrapes(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * One target serving `render()` at every scrape, without timestamps, its samples grouped into
 * families by `types` (family name → type; a sample `x_bucket`, `x_sum`, `x_count`, `x_total`
 * belongs to family `x` when `x` is typed there; any other sample is an untyped family of its own).
 */
export async function startSampleExposition(render: () => readonly ExposedSeries[], types: ReadonlyMap<string, string> = new Map()): Promise<SampleExposition> {
  const server = await startExposition({ targets: { target: () => familiesOf(render(), types) }, timestamps: false, record: false });
  return {
    target: server.addresses.get('target')!,
    scrapes: () => server.count('target'),
    waitForScrapes: (count, timeoutMs = 60_000) => server.waitForScrapes('target', server.count('target') + count, timeoutMs),
    close: () => server.stop(),
  };
}

/** Loose samples as families, in family-name order. */
export function familiesOf(samples: readonly ExposedSeries[], types: ReadonlyMap<string, string>): ExpositionFamily[] {
  const familyOf = (name: string): string => {
    if (types.has(name)) return name;
    for (const suffix of ['_bucket', '_sum', '_count', '_total'])
      if (name.endsWith(suffix) && types.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
    return name;
  };
  const families = new Map<string, ExpositionSample[]>();
  for (const sample of samples) {
    const family = familyOf(sample.name);
    families.set(family, [...(families.get(family) ?? []), sample]);
  }
  return [...families.keys()].sort().map((name) => ({ name, type: (types.get(name) ?? 'untyped') as ExpositionType, samples: families.get(name)! }));
}
