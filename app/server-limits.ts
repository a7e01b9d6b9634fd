import http from 'node:http';

/**
 * Limits every Phoenix HTTP server (the bot's webhook endpoint, the watcher's status page and API)
 * applies, so slow or many clients cannot hold it: a client must send its headers within
 * `headersTimeoutMs` and its whole request within `requestTimeoutMs` (slow-loris connections are
 * closed), an idle keep-alive connection is closed after `keepAliveTimeoutMs`, and at most
 * `maxConnections` sockets are open at once (more are refused at accept). Bodies are limited by
 * each handler (the webhook's `maxBodyBytes`, the API's action body). Long responses (the API's
 * event stream) are not limited: the timeouts bound receiving a request, not answering it.
 */
export interface ServerLimits {
  /** Time to receive a request's headers. @default 10000 */
  readonly headersTimeoutMs?: number;
  /** Time to receive a whole request (headers and body). @default 30000 */
  readonly requestTimeoutMs?: number;
  /** Idle time after which a keep-alive connection is closed. @default 5000 */
  readonly keepAliveTimeoutMs?: number;
  /** Open connections at most; more are refused. @default 256 */
  readonly maxConnections?: number;
  /** How often open connections are checked against the timeouts. @default - a quarter of the headers timeout, at most 1000 */
  readonly checkIntervalMs?: number;
}

/** The defaults of {@link ServerLimits}. */
export const DEFAULT_SERVER_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
} as const;

/** Creates an HTTP server with `limits` applied. */
export function createLimitedServer(handler: http.RequestListener, limits: ServerLimits = {}): http.Server {
  const headersTimeout = positive(limits.headersTimeoutMs ?? DEFAULT_SERVER_LIMITS.headersTimeoutMs, 'headersTimeoutMs');
  const requestTimeout = Math.max(headersTimeout, positive(limits.requestTimeoutMs ?? DEFAULT_SERVER_LIMITS.requestTimeoutMs, 'requestTimeoutMs'));
  const checkInterval = positive(limits.checkIntervalMs ?? Math.min(1_000, Math.max(10, Math.floor(headersTimeout / 4))), 'checkIntervalMs');
  const server = http.createServer({ connectionsCheckingInterval: checkInterval, headersTimeout, requestTimeout }, handler);
  server.headersTimeout = headersTimeout;
  server.requestTimeout = requestTimeout;
  server.keepAliveTimeout = positive(limits.keepAliveTimeoutMs ?? DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs, 'keepAliveTimeoutMs');
  server.maxConnections = positive(limits.maxConnections ?? DEFAULT_SERVER_LIMITS.maxConnections, 'maxConnections');
  return server;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`server limit ${name} (${value}) must be a positive number`);
  return value;
}
