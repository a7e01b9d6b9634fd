import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayHoldAliases } from '../../analysis/value-bounds';

/** The definition: a `*` at the start or after a space or `[{,:-`, followed by a character that can start an alias name. */
const ALIAS = /(^|[\s[{,:-])\*[^\s,\]}]/;

describe('mayHoldAliases', () => {
  it.each([
    ['*a', true],
    ['a: *x', true],
    ['[*x]', true],
    ['- *x', true],
    ['a:*x', true],
    ['\u00a0*x', true],
    ['a*b', false],
    ['a: *', false],
    ['* a', false],
    ['{a: *}', false],
    ['*,', false],
    ['', false],
    ['x\n*\n', false],
  ])('%j → %s', (text, expected) => {
    expect(mayHoldAliases(text)).toBe(expected);
    expect(ALIAS.test(text)).toBe(expected);
  });

  it('agrees with its regular expression on generated text', () => {
    const char = fc.constantFrom('*', ' ', '\n', '\t', '\u00a0', '[', '{', ',', ':', '-', ']', '}', 'a', '&', '#');
    fc.assert(
      fc.property(
        fc.array(char, { maxLength: 12 }).map((chars) => chars.join('')),
        (text) => mayHoldAliases(text) === ALIAS.test(text),
      ),
      { numRuns: 5000 },
    );
  });
});
