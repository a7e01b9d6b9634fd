import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createLimitedServer, type ServerLimits } from '../server-limits';

/**
 * The webhook endpoint. Order matters: size limit while reading, then the `X-Hub-Signature-256`
 * check over the raw bytes (with `@octokit/webhooks`, every configured secret so a rotation never
 * drops deliveries), and only then `JSON.parse`. A missing or bad signature is a 401 and nothing
 * else happens. Accepted deliveries are handed to `onDelivery` (which only enqueues) and answered
 * 202 at once, well inside GitHub's 10 s.
 */

/** Checks a signature over the raw payload. */
export type SignatureVerifier = (payload: string, signature: string | undefined) => Promise<boolean>;

/** Verifies with `@octokit/webhooks`, accepting any of `secrets` (current first, then the previous one during a rotation). */
export async function createSignatureVerifier(secrets: readonly string[]): Promise<SignatureVerifier> {
  if (secrets.length === 0 || secrets.some((s) => s.length === 0)) throw new Error('at least one non-empty webhook secret is required');
  // @octokit/webhooks ships as ES modules only.
  const { Webhooks } = await import('@octokit/webhooks');
  const verifiers = secrets.map((secret) => new Webhooks({ secret }));
  return async (payload, signature) => {
    if (!signature || !/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
    for (const verifier of verifiers) {
      try {
        if (await verifier.verify(payload, signature)) return true;
      } catch {
        // @octokit/webhooks throws on some inputs (an empty body): that is a failed check, never a crash.
      }
    }
    return false;
  };
}

/** A verified, parsed delivery. */
export interface WebhookDelivery {
  readonly id: string;
  readonly name: string;
  readonly payload: Record<string, unknown>;
}

/** Options of the webhook handler. */
export interface WebhookHandlerOptions {
  /** URL path deliveries are posted to. */
  readonly path: string;
  /** Larger bodies are refused with 413. */
  readonly maxBodyBytes: number;
  readonly verify: SignatureVerifier;
  /** Called once per new verified delivery; must not block (enqueue work, return what happened). */
  readonly onDelivery: (delivery: WebhookDelivery) => string;
  readonly log: Logger;
  /** How many delivery ids are remembered for de-duplication. @default 10000 */
  readonly rememberDeliveries?: number;
}

function answer(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ message }));
}

/** Builds the request listener. */
export function createWebhookHandler(options: WebhookHandlerOptions): http.RequestListener {
  const seen = new Set<string>();
  const remember = options.rememberDeliveries ?? 10_000;
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') return answer(res, 200, 'ok');
    if (url.pathname !== options.path) return answer(res, 404, 'not found');
    if (req.method !== 'POST') return answer(res, 405, 'POST only');
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > options.maxBodyBytes) {
      options.log.warn({ declared, limit: options.maxBodyBytes }, 'webhook body over the limit refused');
      res.setHeader('connection', 'close');
      answer(res, 413, `body over ${options.maxBodyBytes} bytes`);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > options.maxBodyBytes) {
        refused = true;
        options.log.warn({ limit: options.maxBodyBytes }, 'webhook body over the limit refused');
        res.setHeader('connection', 'close');
        answer(res, 413, `body over ${options.maxBodyBytes} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      void handleBody(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => {
      refused = true;
    });

    async function handleBody(raw: string): Promise<void> {
      const signature = req.headers['x-hub-signature-256'] as string | undefined;
      const deliveryId = String(req.headers['x-github-delivery'] ?? '');
      const name = String(req.headers['x-github-event'] ?? '');
      if (!(await options.verify(raw, signature))) {
        options.log.warn(
          { deliveryId, event: name, signed: signature !== undefined },
          'webhook signature missing or wrong: check that the webhook secret is the one configured on the GitHub App',
        );
        return answer(res, 401, 'signature missing or wrong');
      }
      if (!deliveryId || !name) return answer(res, 400, 'X-GitHub-Delivery and X-GitHub-Event are required');
      if (seen.has(deliveryId)) {
        options.log.info({ deliveryId, event: name }, 'duplicate delivery ignored');
        return answer(res, 200, 'duplicate delivery');
      }
      let payload: unknown;
      try {
        payload = JSON.parse(raw);
      } catch {
        return answer(res, 400, 'payload is not JSON (the content type of the GitHub App webhook must be application/json)');
      }
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return answer(res, 400, 'payload is not a JSON object');
      seen.add(deliveryId);
      if (seen.size > remember) seen.delete(seen.values().next().value as string);
      const outcome = options.onDelivery({ id: deliveryId, name, payload: payload as Record<string, unknown> });
      options.log.info({ deliveryId, event: name, outcome }, 'webhook delivery accepted');
      answer(res, 202, outcome);
    }
  };
}

/** A listening server. */
export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one), with the server limits (timeouts, connection cap). */
export async function listen(handler: http.RequestListener, host: string, port: number, limits: ServerLimits = {}): Promise<RunningServer> {
  const server = createLimitedServer(handler, limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
