import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLimitedServer, type ServerLimits } from '../server-limits';

/** A request handler; `url` is already parsed. Throwing answers 500 without details. */
export type RouteHandler = (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => void | Promise<void>;

/** Options of one route. */
export interface RouteOptions {
  /** Methods the handler answers; others get 405 before it runs. @default ['GET', 'HEAD'] */
  readonly methods?: readonly string[];
}

interface Route {
  readonly handler: RouteHandler;
  readonly methods: readonly string[];
}

const READ_ONLY = ['GET', 'HEAD'] as const;

/**
 * The watcher's one HTTP server. Routes are exact paths or path prefixes (ending in `/`); other
 * parts of Phoenix (the status page, the API) mount theirs with {@link WatcherHttpServer.route} on
 * the same port. GET and HEAD only unless a route names more methods (the API's action routes).
 */
export class WatcherHttpServer {
  private readonly exact = new Map<string, Route>();
  private readonly prefixes: Array<[string, Route]> = [];
  private server?: http.Server;
  private readonly closers: Array<() => void> = [];

  /** @param limits timeouts and the connection cap (see {@link ServerLimits}). @default - DEFAULT_SERVER_LIMITS */
  constructor(private readonly limits: ServerLimits = {}) {}

  /** Registers `handler` for `path` (exact) or for every path under it when it ends in `/`. Later registrations win. */
  route(path: string, handler: RouteHandler, options: RouteOptions = {}): this {
    const route = { handler, methods: options.methods ?? READ_ONLY };
    if (path.endsWith('/') && path !== '/') this.prefixes.unshift([path, route]);
    else this.exact.set(path, route);
    return this;
  }

  /** Starts listening; resolves to the base URL (`http://host:port`). */
  async listen(host: string, port: number): Promise<string> {
    this.server = createLimitedServer((req, res) => void this.dispatch(req, res), this.limits);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  /** Runs `closer` when the server closes, before it waits for open connections (ends long-lived streams). */
  onClose(closer: () => void): this {
    this.closers.push(closer);
    return this;
  }

  /** Stops accepting connections, ends long-lived streams and closes idle connections. */
  async close(): Promise<void> {
    // Closers run also when the server never listened (their timers would keep the process alive).
    for (const closer of this.closers) closer();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://watcher');
    const route = this.exact.get(url.pathname) ?? this.prefixes.find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
    if (!route || !route.methods.includes(req.method ?? '')) {
      const known = route ?? (req.method !== 'GET' && req.method !== 'HEAD' ? { methods: READ_ONLY } : undefined);
      if (known) res.writeHead(405, { allow: known.methods.join(', '), 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      else res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    try {
      await route.handler(req, res, url);
    } catch {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('internal error\n');
    }
  }
}

/** Writes a JSON response. */
export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(`${JSON.stringify(body)}\n`);
}
