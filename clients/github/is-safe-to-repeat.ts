/**
 * Whether a request may be sent again after a 5xx or a dropped connection without risking a
 * duplicate: reads, updates (PATCH/PUT) and deletes are idempotent; a POST creates something, so it is
 * repeated only when repeating is harmless (an installation token, adding labels that are already
 * there). A caller whose create failed looks the object up again before creating once more.
 */
const SAFE_POSTS: readonly RegExp[] = [/\/app\/installations\/[^/]+\/access_tokens$/, /\/repos\/[^/]+\/[^/]+\/issues\/[^/]+\/labels$/, /^\/?graphql$/];

export function isSafeToRepeat(method: string, url: string): boolean {
  const verb = method.toUpperCase();
  if (verb !== 'POST') return true;
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0];
  return SAFE_POSTS.some((pattern) => pattern.test(path));
}
