/**
 * A small YAML writer for the files Switchyard generates (CI pipelines).
 *
 * It writes block style only, keys in insertion order, strings plain when
 * that is unambiguous and JSON-quoted otherwise, multi-line strings as
 * literal blocks, and comments where the generator asks for them. The same
 * value always gives the same bytes.
 */

/** A YAML value the writer accepts. */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | YamlMap | Commented;

/** A mapping; keys keep their insertion order. */
export interface YamlMap {
  readonly [key: string]: YamlValue | undefined;
}

/** A value with comment lines before it, or (for a scalar) a comment after it on the same line. */
export class Commented {
  constructor(
    public readonly value: YamlValue,
    public readonly before: readonly string[] = [],
    public readonly after?: string,
  ) {}
}

/** `value` with `lines` written as comments before its key or list item. */
export function commentBefore(value: YamlValue, ...lines: string[]): Commented {
  return new Commented(value, lines);
}

/** A scalar with a comment after it on the same line (e.g. the version of a pinned action). */
export function commentAfter(value: string | number | boolean, comment: string): Commented {
  return new Commented(value, [], comment);
}

/** Renders a document: optional leading comment lines, then the value. Ends with a newline. */
export function toYaml(value: YamlValue, header: readonly string[] = []): string {
  const lines = header.map((l) => comment(l));
  lines.push(...block(value, 0));
  return `${lines.join('\n')}\n`;
}

const INDENT = '  ';
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~|\.inf|\.nan)$/i;
const PLAIN = /^[A-Za-z_/$(.][A-Za-z0-9_./$(){}[\]|&!*@'"`,;=+<>%?:^~#\\ -]*$/;

function comment(text: string): string {
  return text === '' ? '#' : `# ${text}`;
}

/** A scalar as it appears after `key: ` or `- `. */
function scalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`YAML: cannot write the number ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const plain = PLAIN.test(v) && !RESERVED.test(v) && !/^\.\d/.test(v) && !v.includes(': ') && !v.includes(' #') && !v.endsWith(':') && !v.endsWith(' ');
  return plain ? v : JSON.stringify(v);
}

function key(k: string): string {
  return /^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(k) ? k : JSON.stringify(k);
}

function unwrap(v: YamlValue): { value: Exclude<YamlValue, Commented>; before: readonly string[]; after?: string } {
  if (v instanceof Commented) {
    const inner = unwrap(v.value);
    return { value: inner.value, before: [...v.before, ...inner.before], after: v.after ?? inner.after };
  }
  return { value: v as Exclude<YamlValue, Commented>, before: [] };
}

function isMap(v: unknown): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Commented);
}

/** Lines of a multi-line string as a literal block, or undefined when it is not one. */
function literal(v: string, indent: string): string[] | undefined {
  if (!v.includes('\n')) return undefined;
  const body = v.endsWith('\n') ? v.slice(0, -1) : v;
  if (/^[ \t]/.test(body)) throw new Error('YAML: a multi-line string must not start with blanks');
  return body.split('\n').map((l) => (l === '' ? '' : `${indent}${l}`));
}

/** Lines of `value` written at `depth` (as the body of a key, list item or document). */
function block(value: YamlValue, depth: number): string[] {
  const pad = INDENT.repeat(depth);
  const { value: v } = unwrap(value);
  const out: string[] = [];
  if (isMap(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined) as Array<[string, YamlValue]>;
    if (entries.length === 0) return [`${pad}{}`];
    for (const [k, raw] of entries) {
      const { value: x, before, after } = unwrap(raw);
      out.push(...before.map((c) => `${pad}${comment(c)}`));
      out.push(...entry(`${pad}${key(k)}:`, x, after, depth));
    }
    return out;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return [`${pad}[]`];
    for (const raw of v as YamlValue[]) {
      const { value: x, before, after } = unwrap(raw);
      out.push(...before.map((c) => `${pad}${comment(c)}`));
      if (isMap(x) && Object.values(x).some((e) => e !== undefined)) {
        // "- " then the mapping's first line; the rest indented under it.
        const lines = block(x, depth + 1);
        out.push(`${pad}- ${lines[0].slice(pad.length + INDENT.length)}`, ...lines.slice(1));
      } else {
        out.push(...entry(`${pad}-`, x, after, depth));
      }
    }
    return out;
  }
  return [`${pad}${scalar(v as string | number | boolean | null)}`];
}

/** `lead` (a key with its colon, or a dash) followed by its value. */
function entry(lead: string, x: Exclude<YamlValue, Commented>, after: string | undefined, depth: number): string[] {
  const tail = after ? ` ${comment(after)}` : '';
  if (isMap(x) || Array.isArray(x)) {
    const lines = block(x, depth + 1);
    if (lines.length === 1 && /^\s*(\{\}|\[\])$/.test(lines[0])) return [`${lead} ${lines[0].trim()}${tail}`];
    return [`${lead}${tail}`, ...lines];
  }
  if (typeof x === 'string') {
    const lit = literal(x, INDENT.repeat(depth + 1));
    if (lit) return [`${lead} ${x.endsWith('\n') ? '|' : '|-'}${tail}`, ...lit];
  }
  return [`${lead} ${scalar(x as string | number | boolean | null)}${tail}`];
}
