import * as fc from 'fast-check';
import { JsonSyntaxError, parseStrictJson } from '../../lib/private/json';

const refusal = (text: string) => {
  try {
    parseStrictJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return e.message;
    throw e;
  }
  throw new Error('accepted');
};

describe('the strict JSON reader', () => {
  test('reads what JSON.parse reads, value for value (any JSON value without duplicate keys)', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const text = JSON.stringify(v, null, 2);
      // fast-check may generate a "__proto__" key, which the reader refuses on purpose.
      if (text.includes('"__proto__"')) return;
      expect(parseStrictJson(text)).toEqual(JSON.parse(text));
    }), { numRuns: 300 });
  });

  test.each<[string, string, string]>([
    ['a key given twice', '{\n  "a": 1,\n  "a": 2\n}', 'line 3, column 3: the key "a" is given twice in one object (first on line 2); a reader keeps only one of them'],
    ['a key given twice, deep', '{"t": {"x": [{"k": 1, "k": 1}]}}', 'line 1, column 23 (in t.x[0]): the key "k" is given twice in one object (first on line 1); a reader keeps only one of them'],
    ['a __proto__ key', '{"__proto__": {"admin": true}}', 'line 1, column 2: the key "__proto__" is not allowed (an object would take it as its prototype)'],
    ['a byte order mark', '\ufeff{}', 'line 1, column 1: the file starts with a byte order mark (BOM); save it as UTF-8 without one'],
    ['trailing text', '{} {}', 'line 1, column 4: "{" follows the end of the JSON value'],
    ['a trailing comma', '[1, 2,]', 'line 1, column 7 (in [2]): "]" does not start a JSON value'],
    ['a raw newline in a string', '"a\nb"', 'line 1, column 3: a control character (U+000A) is inside a string; write it as an escape'],
    ['a text cut short', '{"app": "shop",', 'line 1, column 16: the text ends where a string in double quotes should come (is the file cut short?)'],
    ['a single-quoted string', "{'a': 1}", 'line 1, column 2: "\'" found where a string in double quotes should come'],
    ['a bad escape', '"\\x41"', 'line 1, column 2: \\x is not an escape JSON knows'],
  ])('refuses %s, with line and column', (_what, text, message) => {
    expect(refusal(text)).toBe(message);
  });

  test('JSON.parse keeps the last of two keys (what the reader refuses to do); escapes and numbers read as JSON says', () => {
    expect(JSON.parse('{"a": 1, "a": 2}')).toEqual({ a: 2 });
    expect(parseStrictJson('{"a": {"b": [1, "x\\n\\u00e9", true, null, -1.5e3]}}')).toEqual({ a: { b: [1, 'x\né', true, null, -1500] } });
  });
});
