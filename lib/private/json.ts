/**
 * A strict JSON reader for files people edit by hand and tools write back
 * (the release ledger): RFC 8259 JSON, and nothing a lenient reader would let
 * through silently. A key given twice in one object (JSON.parse keeps the
 * last, so an approval could vanish), a `__proto__` key (which an object
 * would take as its prototype), a byte order mark, and trailing text are
 * refused, each with the line and column.
 */

/** Where and what is wrong with a text that is not strict JSON. */
export class JsonSyntaxError extends Error {
  constructor(
    /** What is wrong, with its line and column. */
    message: string,
    /** 1-based line. */
    public readonly line: number,
    /** 1-based column. */
    public readonly column: number,
    /** The path of the object or value where it is (`tiers.prod.api`), when inside one. */
    public readonly path: string,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Parses `text` as strict JSON. @throws JsonSyntaxError */
export function parseStrictJson(text: string): unknown {
  let i = 0;
  const where = (at: number): [number, number] => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    return [line, at - before.lastIndexOf('\n')];
  };
  const error = (what: string, at: number, path: string[]): never => {
    const [line, column] = where(at);
    throw new JsonSyntaxError(`line ${line}, column ${column}${path.length ? ` (in ${path.join('.')})` : ''}: ${what}`, line, column, path.join('.'));
  };
  const skip = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const NAMES: Record<string, string> = { '"': 'a string in double quotes', ':': '":"', '}': '"," or "}"', ']': '"," or "]"' };
  const expect = (token: string, path: string[]) => {
    if (text.startsWith(token, i)) {
      i += token.length;
      return;
    }
    const wanted = NAMES[token] ?? JSON.stringify(token);
    error(i >= text.length ? `the text ends where ${wanted} should come (is the file cut short?)` : `${JSON.stringify(text[i])} found where ${wanted} should come`, i, path);
  };
  const string = (path: string[]): string => {
    const start = i;
    expect('"', path);
    let out = '';
    for (;;) {
      if (i >= text.length) error('a string is not closed', start, path);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) error(`\\u${hex} is not a Unicode escape`, i, path);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && e in ESCAPES) {
          out += ESCAPES[e];
          i += 2;
        } else {
          error(`\\${e ?? ''} is not an escape JSON knows`, i, path);
        }
        continue;
      }
      if (c < ' ') error(`a control character (U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}) is inside a string; write it as an escape`, i, path);
      out += c;
      i++;
    }
  };
  const value = (path: string[]): unknown => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      const seen = new Map<string, number>();
      skip();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skip();
        const keyAt = i;
        const key = string(path);
        if (key === '__proto__') error('the key "__proto__" is not allowed (an object would take it as its prototype)', keyAt, path);
        const first = seen.get(key);
        if (first !== undefined) {
          const [line] = where(first);
          error(`the key ${JSON.stringify(key)} is given twice in one object (first on line ${line}); a reader keeps only one of them`, keyAt, path);
        }
        seen.set(key, keyAt);
        skip();
        expect(':', path);
        obj[key] = value([...path, key]);
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect('}', path);
        return obj;
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      skip();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value([...path.slice(0, -1), `${path.at(-1) ?? ''}[${arr.length}]`].filter((p) => p !== '')));
        skip();
        if (text[i] === ',') {
          i++;
          continue;
        }
        expect(']', path);
        return arr;
      }
    }
    if (c === '"') return string(path);
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m && m[0].length > 0) {
      i += m[0].length;
      return Number(m[0]);
    }
    return error(i >= text.length ? 'the text ends where a value was expected' : `${JSON.stringify(c)} does not start a JSON value`, i, path);
  };
  if (text.charCodeAt(0) === 0xfeff) error('the file starts with a byte order mark (BOM); save it as UTF-8 without one', 0, []);
  const result = value([]);
  skip();
  if (i < text.length) error(`${JSON.stringify(text[i])} follows the end of the JSON value`, i, []);
  return result;
}
