import { dump } from 'js-yaml';

const OPTIONS = { sortKeys: false, lineWidth: -1, noRefs: true } as const;

/**
 * One Kubernetes object as YAML: exactly the bytes of js-yaml's `dump` with OPTIONS (ADR 0031),
 * produced faster. Key order is the object's own (cdk8s already sorts keys and puts apiVersion,
 * kind, metadata first), so the same object always gives the same bytes. Strings a YAML 1.1
 * reader would take for booleans, numbers or dates (`yes`, `on`, `0755`, `12:30`) are quoted.
 *
 * js-yaml spends most of its time choosing a style for every scalar, although keys and label
 * values repeat thousands of times in a tree. This writer lays out block mappings and sequences
 * the way js-yaml's dumper does and asks js-yaml itself for each distinct scalar's text once
 * (remembered); values it does not expect (anything but plain objects, arrays, strings, finite or
 * infinite numbers, booleans and null, or a key js-yaml would write as an explicit `?` pair) make
 * it hand the whole object to `dump`. test/generator/emit-yaml.test.ts compares both byte for byte.
 */
export function emitYaml(object: unknown): string {
  try {
    return `${node(object, 0, true)!}\n`;
  } catch (error) {
    if (error instanceof Unsupported) return dump(object, OPTIONS);
    throw error;
  }
}

/** Several objects as one multi-document file (`---` between documents). */
export function emitYamlDocuments(objects: readonly unknown[]): string {
  return objects.map(emitYaml).join('---\n');
}

class Unsupported extends Error {}

/** js-yaml's writeNode in block context; undefined for `undefined` (which js-yaml skips). */
function node(value: unknown, level: number, compact: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringValue(value, level);
    case 'number':
      return numberValue(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return undefined;
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return value.length === 0 ? '[]' : sequence(value, level, compact);
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) throw new Unsupported();
      return mapping(value as Record<string, unknown>, level, compact);
    }
    default:
      throw new Unsupported();
  }
}

function mapping(object: Record<string, unknown>, level: number, compact: boolean): string {
  let out = '';
  for (const key of Object.keys(object)) {
    const text = node(object[key], level + 1, false);
    if (text === undefined) continue;
    if (!compact || out !== '') out += newline(level);
    out += keyText(key);
    out += text.charCodeAt(0) === 10 ? ':' : ': ';
    out += text;
  }
  return out === '' ? '{}' : out;
}

function sequence(items: readonly unknown[], level: number, compact: boolean): string {
  let out = '';
  for (const item of items) {
    const text = node(item, level + 1, true) ?? 'null';
    if (!compact || out !== '') out += newline(level);
    out += text.charCodeAt(0) === 10 ? '-' : '- ';
    out += text;
  }
  return out;
}

const newlines: string[] = [];
function newline(level: number): string {
  return (newlines[level] ??= `\n${' '.repeat(2 * level)}`);
}

const MEMO_LIMIT = 50_000;
const keys = new Map<string, string>();
const strings = new Map<string, string>();

/** A key as js-yaml writes it (single-line styles only). */
function keyText(key: string): string {
  let text = keys.get(key);
  if (text === undefined) {
    const line = dump({ [key]: null }, OPTIONS);
    if (!line.endsWith(': null\n') || line.startsWith('? ')) throw new Unsupported();
    text = line.slice(0, -': null\n'.length);
    if (text.length > 1024) throw new Unsupported();
    if (keys.size >= MEMO_LIMIT) keys.clear();
    keys.set(key, text);
  }
  return text;
}

/**
 * A string value at `level`: js-yaml's text for it at the top level, where only a literal block
 * depends on the level — its lines are indented by 2 × max(1, level) spaces instead of 2.
 */
function stringValue(value: string, level: number): string {
  let text = strings.get(value);
  if (text === undefined) {
    text = dump(value, OPTIONS).slice(0, -1);
    if (strings.size >= MEMO_LIMIT) strings.clear();
    strings.set(value, text);
  }
  if (level <= 1 || text.charCodeAt(0) !== 124 /* | */) return text;
  const header = text.indexOf('\n');
  if (header < 0) return text;
  const extra = ' '.repeat(2 * level - 2);
  return (
    text.slice(0, header + 1) +
    text
      .slice(header + 1)
      .split('\n')
      .map((line) => (line === '' ? line : extra + line))
      .join('\n')
  );
}

function numberValue(value: number): string {
  return dump(value, OPTIONS).slice(0, -1);
}
