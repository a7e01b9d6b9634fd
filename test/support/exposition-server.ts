/**
 * A Prometheus exposition endpoint on loopback whose content the test changes between scrapes:
 * counters increase, a counter resets, a pod is replaced (its labels change), a series disappears.
 * `render()` is called on every scrape, so the test controls what each scrape sees; every scrape
 * is counted, so a test can wait for the collector to have seen a state.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One exposed series: full Prometheus name, labels, value. */
export interface ExposedSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A running exposition endpoint. */
export interface ExpositionServer {
  /** `host:port`, as a scrape config's target. */
  readonly target: string;
  /** Scrapes served so far. */
  scrapes(): number;
  /** Resolves once `count` more scrapes have been served after the call. */
  waitForScrapes(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves `render()` as Prometheus text format 0.0.4 on `/metrics` (`# TYPE` lines from `types`,
 * keyed by family name).
 */
export async function startExpositionServer(render: () => readonly ExposedSeries[], types: ReadonlyMap<string, string> = new Map()): Promise<ExpositionServer> {
  let served = 0;
  const waiters: Array<{ at: number; resolve: () => void }> = [];
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    const body = formatExposition(render(), types);
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
    served += 1;
    for (const waiter of waiters.splice(0)) {
      if (served >= waiter.at) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    scrapes: () => served,
    waitForScrapes(count, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the collector did not scrape ${count} more times within ${timeoutMs} ms (${served} scrapes so far)`)), timeoutMs);
        waiters.push({ at: served + count, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Prometheus text format: one `# TYPE` line per family in `types`, then the samples. */
export function formatExposition(series: readonly ExposedSeries[], types: ReadonlyMap<string, string>): string {
  const lines: string[] = [];
  const typed = new Set<string>();
  const familyOf = (name: string): string | undefined => {
    if (types.has(name)) return name;
    for (const suffix of ['_bucket', '_sum', '_count', '_total']) if (name.endsWith(suffix) && types.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
    return undefined;
  };
  const sorted = [...series].sort((a, b) => (familyOf(a.name) ?? a.name).localeCompare(familyOf(b.name) ?? b.name));
  for (const s of sorted) {
    const family = familyOf(s.name);
    if (family && !typed.has(family)) {
      typed.add(family);
      lines.push(`# TYPE ${family} ${types.get(family)}`);
    }
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
    lines.push(`${s.name}${labels.length ? `{${labels.join(',')}}` : ''} ${formatValue(s.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
