/**
 * A loopback HTTP server serving a Prometheus text exposition whose counters grow with real
 * time at fixed rates (value = rate × seconds since start), so any two scrapes of it give the
 * same rate: what a steady application looks like to a scraper.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One counter series: name (with `_total`), labels and its rate per second. */
export interface GrowingCounter {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly perSecond: number;
}

/** A gauge series with a constant value. */
export interface ConstantGauge {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface CounterExpositionServer {
  readonly port: number;
  stop(): Promise<void>;
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/** Starts the server on a free loopback port; `stop()` it in teardown. */
export async function startCounterExposition(counters: readonly GrowingCounter[], gauges: readonly ConstantGauge[] = []): Promise<CounterExpositionServer> {
  const started = Date.now();
  const server = http.createServer((_request, response) => {
    const seconds = (Date.now() - started) / 1000;
    const lines: string[] = [];
    const typed = new Set<string>();
    for (const counter of counters) {
      const family = counter.name.replace(/_total$/, '');
      if (!typed.has(family)) lines.push(`# TYPE ${family} counter`);
      typed.add(family);
      lines.push(`${counter.name}${labelText(counter.labels)} ${counter.perSecond * seconds}`);
    }
    for (const gauge of gauges) {
      if (!typed.has(gauge.name)) lines.push(`# TYPE ${gauge.name} gauge`);
      typed.add(gauge.name);
      lines.push(`${gauge.name}${labelText(gauge.labels)} ${gauge.value}`);
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
