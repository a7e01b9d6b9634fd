import type { VectorSelector } from './ast';
import { parsePromQL } from './parse';
import { quotePromQLString } from './strings';
import { forEachSelector } from './walk';
import { InputError } from '../input-error';
import { EXPERIMENT_LABEL, VARIANT_LABEL } from '../labels';

/** The labels the shadow pipelines add, which the watcher injects into every guardrail. */
export { EXPERIMENT_LABEL, VARIANT_LABEL };

/** Thrown when a query cannot be rewritten; carries exit code 2 (an input error). */
export class LabelInjectionError extends InputError {}

/**
 * Rewrites a query so that every vector and range selector also matches `labels` (equality
 * matchers), e.g. `{ phoenix_experiment: 'checkout', phoenix_variant: 'candidate' }`. Works on the
 * syntax tree, so braces inside strings and regexes are left alone; the result is re-parsed.
 * Fails when the query does not parse or already selects one of the labels.
 */
export function injectLabelMatchers(query: string, labels: Readonly<Record<string, string>>): string {
  return labelInjector(query, Object.keys(labels))(labels);
}

/**
 * {@link injectLabelMatchers} prepared once for many values of the same `names`: parses and checks
 * the query once, then only splices the quoted values in. Throws as injectLabelMatchers does, at
 * preparation (a query that does not parse or already selects one of `names`) or on the first call
 * (a rewrite that would not parse).
 */
export function labelInjector(query: string, names: readonly string[]): (labels: Readonly<Record<string, string>>) => string {
  const parsed = parsePromQL(query);
  if (!parsed.ok) {
    const first = parsed.problems[0]!;
    throw new LabelInjectionError(`cannot add matchers to ${JSON.stringify(query)}: ${first.message} (at offset ${first.span.from})`);
  }
  for (const name of names) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new LabelInjectionError(`label name ${JSON.stringify(name)} is not a valid Prometheus label name`);
  }
  const places: Array<{ at: number; braces: 'new' | 'empty' | 'more' | 'after-comma' }> = [];
  forEachSelector(parsed.expr, (selector) => {
    const clash = selector.matchers.find((m) => names.includes(m.name));
    if (clash) {
      throw new LabelInjectionError(
        `query ${JSON.stringify(query)} already selects ${clash.name}: write guardrails as they run in production, without ${names.join('/')}`,
      );
    }
    places.push(placeFor(query, selector));
  });
  places.sort((a, b) => a.at - b.at);
  let checked = false;
  return (labels) => {
    const addition = names.map((n) => `${n}=${quotePromQLString(labels[n]!)}`).join(', ');
    let out = '';
    let from = 0;
    for (const place of places) {
      const text =
        place.braces === 'new' ? `{${addition}}` : place.braces === 'empty' ? addition : place.braces === 'after-comma' ? ` ${addition}` : `, ${addition}`;
      out += query.slice(from, place.at) + text;
      from = place.at;
    }
    out += query.slice(from);
    if (!checked) {
      const check = parsePromQL(out);
      if (!check.ok)
        throw new LabelInjectionError(
          `rewriting ${JSON.stringify(query)} produced ${JSON.stringify(out)}, which does not parse: ${check.problems[0]!.message}`,
        );
      checked = true;
    }
    return out;
  };
}

/** {@link injectLabelMatchers} with the experiment and variant labels of the shadow pipelines. */
export function injectVariant(query: string, experiment: string, variant: string): string {
  return injectLabelMatchers(query, { [EXPERIMENT_LABEL]: experiment, [VARIANT_LABEL]: variant });
}

function placeFor(query: string, selector: VectorSelector): { at: number; braces: 'new' | 'empty' | 'more' | 'after-comma' } {
  const braces = selector.matchersSpan;
  if (!braces) return { at: selector.span.to, braces: 'new' };
  const inside = query.slice(braces.from + 1, braces.to - 1).trim();
  const close = braces.to - 1;
  if (inside === '') return { at: close, braces: 'empty' };
  return { at: close, braces: inside.endsWith(',') ? 'after-comma' : 'more' };
}
