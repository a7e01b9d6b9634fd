import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request handler; `url` is already parsed. Throwing answers 500 without details. */
export type RouteHandler = (request: http.IncomingMessage, response: http.ServerResponse, url: URL) => void | Promise<void>;

/**
 * The watcher's one HTTP server. Routes are exact paths or path prefixes (ending in `/`); other
 * parts of Phoenix (the status page) mount theirs with {@link WatcherHttpServer.route} on the same
 * port. GET and HEAD only: the server is read-only.
 */
export class WatcherHttpServer {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly prefixes: Array<[string, RouteHandler]> = [];
  private server?: http.Server;

  /** Registers `handler` for `path` (exact) or for every path under it when it ends in `/`. Later registrations win. */
  route(path: string, handler: RouteHandler): this {
    if (path.endsWith('/') && path !== '/') this.prefixes.unshift([path, handler]);
    else this.exact.set(path, handler);
    return this;
  }

  /** Starts listening; resolves to the base URL (`http://host:port`). */
  async listen(host: string, port: number): Promise<string> {
    this.server = http.createServer((req, res) => void this.dispatch(req, res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  }

  /** Stops accepting connections and closes idle ones. */
  async close(): Promise<void> {
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
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const handler = this.exact.get(url.pathname) ?? this.prefixes.find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    try {
      await handler(req, res, url);
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
