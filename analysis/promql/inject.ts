import type { VectorSelector } from './ast';
import { parsePromQL } from './parse';
import { quotePromQLString } from './strings';
import { forEachSelector } from './walk';
import { InputError } from '../input-error';
import { EXPERIMENT_LABEL, VARIANT_LABEL } from '../labels';

/** The labels the shadow pipelines add, which the watcher injects into every guardrail. */
export { EXPERIMENT_LABEL, VARIANT_LABEL };

/** Thrown when a query cannot be rewritten; carries exit code 2 (an input error). */
export class LabelInjectionError extends InputError {
}

/**
 * Rewrites a query so that every vector and range selector also matches `labels` (equality
 * matchers), e.g. `{ phoenix_experiment: 'checkout', phoenix_variant: 'candidate' }`. Works on the
 * syntax tree, so braces inside strings and regexes are left alone; the result is re-parsed.
 * Fails when the query does not parse or already selects one of the labels.
 */
export function injectLabelMatchers(query: string, labels: Readonly<Record<string, string>>): string {
  const parsed = parsePromQL(query);
  if (!parsed.ok) {
    const first = parsed.problems[0]!;
    throw new LabelInjectionError(`cannot add matchers to ${JSON.stringify(query)}: ${first.message} (at offset ${first.span.from})`);
  }
  const names = Object.keys(labels);
  for (const name of names) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new LabelInjectionError(`label name ${JSON.stringify(name)} is not a valid Prometheus label name`);
  }
  const addition = names.map((n) => `${n}=${quotePromQLString(labels[n]!)}`).join(', ');
  const edits: Array<{ at: number; text: string }> = [];
  forEachSelector(parsed.expr, (selector) => {
    const clash = selector.matchers.find((m) => names.includes(m.name));
    if (clash) {
      throw new LabelInjectionError(`query ${JSON.stringify(query)} already selects ${clash.name}: write guardrails as they run in production, without ${names.join('/')}`);
    }
    edits.push(editFor(query, selector, addition));
  });
  let out = query;
  for (const edit of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, edit.at) + edit.text + out.slice(edit.at);
  const check = parsePromQL(out);
  if (!check.ok) throw new LabelInjectionError(`rewriting ${JSON.stringify(query)} produced ${JSON.stringify(out)}, which does not parse: ${check.problems[0]!.message}`);
  return out;
}

/** {@link injectLabelMatchers} with the experiment and variant labels of the shadow pipelines. */
export function injectVariant(query: string, experiment: string, variant: string): string {
  return injectLabelMatchers(query, { [EXPERIMENT_LABEL]: experiment, [VARIANT_LABEL]: variant });
}

function editFor(query: string, selector: VectorSelector, addition: string): { at: number; text: string } {
  const braces = selector.matchersSpan;
  if (!braces) return { at: selector.span.to, text: `{${addition}}` };
  const inside = query.slice(braces.from + 1, braces.to - 1).trim();
  const close = braces.to - 1;
  if (inside === '') return { at: close, text: addition };
  return { at: close, text: inside.endsWith(',') ? ` ${addition}` : `, ${addition}` };
}
