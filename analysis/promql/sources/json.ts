/** A JSON value with the source span of every object member's value, for file positions. */
export interface LocatedJson {
  readonly value: unknown;
  /** For each parsed object: member name → [from, to) of its value in the text. */
  readonly spans: WeakMap<object, Record<string, readonly [number, number]>>;
}

/** A JSON syntax error with its character offset. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Parses JSON (RFC 8259) and records where each object member's value sits in the text. */
export function parseLocatedJson(text: string): LocatedJson {
  const spans = new WeakMap<object, Record<string, readonly [number, number]>>();
  let i = 0;
  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, i);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const str = (): string => {
    if (text[i] !== '"') fail(`expected a string, found ${JSON.stringify(text[i] ?? 'end of file')}`);
    const start = i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail('control character in string');
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      i = start;
      return fail('invalid escape in string');
    }
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      const located: Record<string, readonly [number, number]> = {};
      ws();
      if (text[i] === '}') {
        i++;
        spans.set(obj, located);
        return obj;
      }
      for (;;) {
        ws();
        const key = str();
        ws();
        if (text[i] !== ':') fail(`expected ':' after ${JSON.stringify(key)}`);
        i++;
        ws();
        const from = i;
        obj[key] = value();
        located[key] = [from, i];
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          break;
        }
        fail(`expected ',' or '}' in object, found ${JSON.stringify(text[i] ?? 'end of file')}`);
      }
      spans.set(obj, located);
      return obj;
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          break;
        }
        fail(`expected ',' or ']' in array, found ${JSON.stringify(text[i] ?? 'end of file')}`);
      }
      return arr;
    }
    if (c === '"') return str();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!literal) return fail(`unexpected ${JSON.stringify(c ?? 'end of file')}`);
    i += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };
  const result = value();
  ws();
  if (i < text.length) fail(`unexpected ${JSON.stringify(text[i])} after the JSON value`);
  return { value: result, spans };
}
