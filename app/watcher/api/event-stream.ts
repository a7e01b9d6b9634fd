import type http from 'node:http';
import { ApiError, sendError } from './api-error';

/** The kinds of live updates `GET /api/v1/events` sends (schema `Event*` in docs/api/openapi.yaml). */
export type ApiEventType = 'cycle-finished' | 'verdict-changed' | 'pull-request-opened';

/** One event as sent: `id`, `event` and one line of JSON `data`. */
export interface ApiEvent {
  readonly id: number;
  readonly type: ApiEventType;
  readonly data: unknown;
}

/** Options of {@link EventStream}. */
export interface EventStreamOptions {
  /** Open streams at once; more answer 503 `too_many_streams`. @default 64 */
  readonly maxClients?: number;
  /** Seconds between keep-alive comments (so proxies keep the connection). @default 15 */
  readonly heartbeatSeconds?: number;
  /** Events kept for clients that reconnect with `Last-Event-ID`. @default 100 */
  readonly replay?: number;
}

/**
 * Server-Sent Events for the API: every open stream gets each published event; a client that
 * reconnects with `Last-Event-ID` first gets the events it missed (within the bounded replay
 * buffer). Bounded in clients, buffer and per-client backlog: a client that stops reading is
 * dropped rather than buffered without end.
 */
export class EventStream {
  private readonly clients = new Set<http.ServerResponse>();
  private readonly recent: ApiEvent[] = [];
  private nextId = 1;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: EventStreamOptions = {}) {
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), (options.heartbeatSeconds ?? 15) * 1000);
    this.heartbeat.unref();
  }

  /** Open streams. */
  get size(): number {
    return this.clients.size;
  }

  /** Sends an event to every open stream. */
  publish(type: ApiEventType, data: unknown): ApiEvent {
    const event: ApiEvent = { id: this.nextId++, type, data };
    this.recent.push(event);
    if (this.recent.length > (this.options.replay ?? 100)) this.recent.shift();
    this.broadcast(format(event));
    return event;
  }

  /** Serves one stream until the client goes away (or {@link close}). */
  serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.clients.size >= (this.options.maxClients ?? 64)) {
      sendError(
        req,
        res,
        new ApiError(
          503,
          'too_many_streams',
          'too many open event streams: try again later, or poll GET /api/v1/experiments with If-None-Match',
          {},
          { 'retry-after': '30' },
        ),
      );
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.write('retry: 5000\n\n');
    const last = Number(req.headers['last-event-id']);
    if (Number.isInteger(last) && last > 0) for (const event of this.recent.filter((e) => e.id > last)) res.write(format(event));
    this.clients.add(res);
    const drop = () => this.clients.delete(res);
    req.once('close', drop);
    res.once('close', drop);
  }

  /** Ends every stream (the server is stopping). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcast(text: string): void {
    for (const res of this.clients) {
      // A client that stopped reading: end it rather than buffering without bound.
      if (res.writableLength > 1 << 20) {
        res.destroy();
        this.clients.delete(res);
        continue;
      }
      res.write(text);
    }
  }
}

function format(event: ApiEvent): string {
  return `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
