import { createHash } from 'node:crypto';
import type http from 'node:http';

/** A strong entity tag of a JSON body: the first 128 bits of its sha256, base64url. */
export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/** Whether `If-None-Match` (a list of tags, or `*`) matches `tag`, compared weakly as RFC 9110 asks for GET. */
export function ifNoneMatchHits(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => opaque(candidate) === opaque(tag));
}

/**
 * Answers a cacheable JSON body with its `ETag`; a request whose `If-None-Match` names it gets
 * 304 without a body. `Cache-Control: no-cache`: clients may keep it but must revalidate.
 */
export function sendCacheableJson(req: http.IncomingMessage, res: http.ServerResponse, value: unknown, status = 200): void {
  const body = `${JSON.stringify(value)}\n`;
  const tag = entityTag(body);
  const headers = { etag: tag, 'cache-control': 'no-cache', vary: 'Accept-Encoding' };
  if (status === 200 && ifNoneMatchHits(req.headers['if-none-match'], tag)) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Answers a JSON body that must not be cached (action results). */
export function sendFreshJson(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const body = `${JSON.stringify(value)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
