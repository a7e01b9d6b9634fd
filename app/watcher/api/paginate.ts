import { badRequest } from './api-error';

/** Page size when a request names none. */
export const DEFAULT_LIMIT = 50;
/** The largest page a request may ask for. */
export const MAX_LIMIT = 200;

/** One page of a list answer. */
export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass as `cursor` to get the next page. Absent on the last page. */
  readonly nextCursor?: string;
}

/** Reads `limit` (1..200, default 50): anything else is a 400 naming `limit`. */
export function readLimit(params: URLSearchParams): number {
  const raw = params.get('limit');
  if (raw === null) return DEFAULT_LIMIT;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT)
    throw badRequest('limit', `limit must be a whole number from 1 to ${MAX_LIMIT}, got '${raw.slice(0, 40)}'`);
  return Number(raw);
}

/**
 * Keyset pagination over items sorted by a unique key (code-unit order, `descending` for newest
 * first): the cursor is the key of the last item served (base64url), so items added or removed
 * between pages neither repeat nor shift the rest. A cursor not made here is a 400 naming `cursor`.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => string, params: URLSearchParams, descending = false): Page<T> {
  const limit = readLimit(params);
  const cursor = params.get('cursor');
  let start = 0;
  if (cursor !== null) {
    const after = decodeCursor(cursor);
    start = items.findIndex((item) => (descending ? keyOf(item) < after : keyOf(item) > after));
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return { items: slice, ...(more && slice.length > 0 ? { nextCursor: encodeCursor(keyOf(slice.at(-1)!)) } : {}) };
}

function encodeCursor(key: string): string {
  return Buffer.from(`v1:${key}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,1400}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith('v1:'))
    throw badRequest('cursor', 'cursor is not one this API gave out: pass the nextCursor of the previous page unchanged, or leave it out for the first page');
  return text.slice(3);
}
