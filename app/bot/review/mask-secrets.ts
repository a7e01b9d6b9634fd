/**
 * Hides secret values before anything is printed or posted: every value of a Secret's `data` and
 * `stringData`, and, anywhere else, scalar values under keys that name a credential (also inside
 * embedded YAML text such as a collector config in a ConfigMap). Whether a masked value changed is
 * still shown — never the value, nor a hash of it (a hash of a short secret can be brute-forced).
 */

export const MASK = '***';
export const MASK_CHANGED = '*** (changed)';

const CREDENTIAL_KEY = /(password|passwd|secret|token|api[-_]?key|bearer|authorization|credentials?|private[-_]?key)/i;
const CREDENTIAL_LINE =
  /^(\s*-?\s*["']?[\w.-]*(?:password|passwd|secret|token|api[-_]?key|bearer|authorization|credentials?|private[-_]?key)[\w.-]*["']?\s*:\s*)(\S.*)$/gim;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function maskMap(values: unknown, other: unknown): unknown {
  if (!isObject(values)) return values;
  const previous = isObject(other) ? other : {};
  return Object.fromEntries(Object.keys(values).map((key) => [key, key in previous && previous[key] !== values[key] ? MASK_CHANGED : MASK]));
}

/** Masks credential-looking lines in a block of text (a YAML or properties file held in a string). */
export function maskText(text: string): string {
  return text.replace(CREDENTIAL_LINE, (all: string, prefix: string, value: string) => (/^["']?\*\*\*/.test(value) ? all : `${prefix}${MASK}`));
}

function maskDeep(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => maskDeep(item));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, k)]));
  if (typeof value === 'string') {
    if (key && CREDENTIAL_KEY.test(key) && !value.includes('\n') && !/^\$\{[^}]+\}$/.test(value)) return MASK;
    return value.includes('\n') ? maskText(value) : value;
  }
  return value;
}

/**
 * A copy of a Kubernetes object safe to show. `counterpart` is the same object on the other side of
 * the diff, so a changed Secret value reads `*** (changed)`.
 */
export function maskObject(object: Json, counterpart?: Json): Json {
  const masked = maskDeep(object) as Json;
  if (object.kind === 'Secret') {
    if ('data' in object) masked.data = maskMap(object.data, counterpart?.data);
    if ('stringData' in object) masked.stringData = maskMap(object.stringData, counterpart?.stringData);
  }
  return masked;
}
