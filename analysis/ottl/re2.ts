import { OttlNotModelled } from './grammar';

/** Constructs RE2 (the collector's regex engine) rejects, which JavaScript accepts. */
const NOT_RE2: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\(\?[=!]/, what: 'lookahead (?= / (?!' },
  { pattern: /\(\?<[=!]/, what: 'lookbehind (?<= / (?<!' },
  { pattern: /\\[1-9]/, what: 'back-references (\\1)' },
  { pattern: /\(\?<[A-Za-z]/, what: 'named groups in JavaScript form (?<name>…); RE2 spells them (?P<name>…)' },
];

/**
 * Returns why `regex` is not a valid RE2 expression, or `undefined` when it is (as far as
 * a JavaScript check plus the known RE2 exclusions can tell).
 */
export function re2Problem(regex: string): string | undefined {
  for (const { pattern, what } of NOT_RE2) {
    if (pattern.test(regex)) return `uses ${what}, which the collector's RE2 engine does not support`;
  }
  try {
    new RegExp(regex.replace(/\(\?P</g, '(?<'));
  } catch (error) {
    return `does not compile: ${(error as Error).message}`;
  }
  return undefined;
}

const regexCache = new Map<string, RegExp>();

/**
 * An RE2 regex as a JavaScript RegExp (`(?P<name>` → `(?<name>`); unanchored, as RE2's match
 * is. Throws {@link OttlNotModelled} when it does not compile.
 */
export function re2(regex: string): RegExp {
  let compiled = regexCache.get(regex);
  if (!compiled) {
    try {
      compiled = new RegExp(regex.replace(/\(\?P</g, '(?<'));
    } catch (error) {
      throw new OttlNotModelled(`regex ${JSON.stringify(regex)} does not compile: ${(error as Error).message}`);
    }
    regexCache.set(regex, compiled);
  }
  return compiled;
}
