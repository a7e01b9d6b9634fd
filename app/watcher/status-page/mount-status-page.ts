import type http from 'node:http';
import type { WatcherHttpServer } from '../http-server';
import { contentSecurityPolicy } from './layout';
import { renderExperimentPage, renderNotFoundPage, renderOverviewPage } from './render-pages';
import type { StatusView } from './view-model';

/** Where the status page gets what it shows; asked on every request. */
export interface StatusSource {
  view(): StatusView | Promise<StatusView>;
}

/** Options of {@link mountStatusPage}. */
export interface MountStatusPageOptions {
  /** Seconds between in-place refreshes when JavaScript is on. @default 30 */
  readonly refreshSeconds?: number;
  /** Address of the API's Server-Sent Events (`/api/v1/events`); pages then refresh on events instead of polling. @default - polling */
  readonly eventsPath?: string;
}

/** Response headers of every status page: HTML, never cached, and a Content-Security-Policy allowing only the page's own inline style and script. */
export const statusPageHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Mounts the read-only status page on the watcher's HTTP server: `/` (every experiment per
 * environment) and `/experiments/<env>/<name>` (one experiment); an unknown experiment answers a
 * 404 page. Same process and port as the API.
 */
export function mountStatusPage(server: WatcherHttpServer, source: StatusSource, options: MountStatusPageOptions = {}): void {
  const pageOptions = { refreshSeconds: options.refreshSeconds ?? 30, ...(options.eventsPath ? { eventsPath: options.eventsPath } : {}) };
  server
    .route('/', async (req, res) => {
      send(req, res, 200, renderOverviewPage(await source.view(), pageOptions));
    })
    .route('/experiments/', async (req, res, url) => {
      const view = await source.view();
      const parts = url.pathname.slice('/experiments/'.length).split('/');
      const [environment, name] = parts.length === 2 ? parts.map(decodeSegment) : [undefined, undefined];
      const experiment = view.environments.find((e) => e.name === environment)?.experiments.find((e) => e.name === name);
      if (!experiment) {
        send(
          req,
          res,
          404,
          renderNotFoundPage(`No experiment at ${url.pathname}: it may have been removed from the config repo, or the address is mistyped.`, view.generatedAt),
        );
        return;
      }
      send(req, res, 200, renderExperimentPage(experiment, view.generatedAt, pageOptions));
    })
    // Browsers ask for it on every page; no icon, and no 404 in their consoles.
    .route('/favicon.ico', (_req, res) => void res.writeHead(204, { 'cache-control': 'max-age=86400' }).end());
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function send(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { ...statusPageHeaders, 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
