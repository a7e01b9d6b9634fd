import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { ApiError } from './api-error';

/**
 * Checks `Authorization: Bearer <token>` against the configured token in constant time (both
 * sides hashed to the same length first, so neither the content nor the length leaks through
 * timing). No header, or not a bearer one: 401 with `WWW-Authenticate`; a wrong token: 403.
 */
export function checkBearerToken(req: http.IncomingMessage, expected: string): void {
  const header = req.headers.authorization;
  const match = header ? /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header) : null;
  if (!match) {
    throw new ApiError(
      401,
      'unauthorized',
      'action routes need a bearer token: send "Authorization: Bearer <token>" with the token the watcher reads from api.actions.token',
      {},
      { 'www-authenticate': 'Bearer realm="phoenix"' },
    );
  }
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  if (!timingSafeEqual(digest(match[1]!), digest(expected))) {
    throw new ApiError(403, 'forbidden', 'the bearer token is not the one the watcher accepts: check the token file or Secret given in api.actions.token');
  }
}
