/**
 * Building blocks of the JSON schemas Phoenix writes for its own files (the service configs, the
 * waivers file): one spelling of a non-empty string, a closed object, an http(s) URL, an
 * `owner/name` repository and a bounded number of seconds.
 */

/** A string that is not empty. */
export const NON_EMPTY_STRING = { type: 'string', minLength: 1 } as const;

/** An `http://` or `https://` URL. */
export const HTTP_URL = { type: 'string', pattern: '^https?://' } as const;

/** A repository as `owner/name`. */
export const OWNER_SLASH_NAME = { type: 'string', pattern: '^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$' } as const;

/** An object with these properties and no other (each optional unless `more.required` names it); `more` adds keywords. */
export function closedObject<P extends Record<string, object>, M extends Record<string, unknown> = Record<never, never>>(properties: P, more?: M) {
  return { type: 'object', additionalProperties: false, ...(more ?? ({} as M)), properties } as const;
}

/** Each named property a {@link NON_EMPTY_STRING}. */
export function nonEmptyStrings<N extends string>(...names: N[]): Record<N, typeof NON_EMPTY_STRING> {
  return Object.fromEntries(names.map((name) => [name, NON_EMPTY_STRING])) as Record<N, typeof NON_EMPTY_STRING>;
}

/** A number of seconds above 0 and at most `maximum`. */
export function secondsUpTo(maximum: number) {
  return { type: 'number', exclusiveMinimum: 0, maximum } as const;
}
