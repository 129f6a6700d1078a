import { parse } from 'yaml';
import { commentAfter, commentBefore, toYaml } from '../../lib/private/yaml';

describe('the YAML writer', () => {
  const tricky = [
    '', 'on', 'off', 'yes', 'No', 'null', '~', 'true', '20', '1.11.4', '.5', '.inf', '0x1F', '-1', '+1', '1e3',
    'a: b', 'a #b', 'ends:', 'trailing ', ' leading', '- dash', '? what', '#hash', '&anchor', '*alias', '!tag', '|pipe', '>fold',
    '%percent', '@at', '`tick', '"quoted"', "'single'", '{a}', '[b]', 'x,y', '${{ vars.X || vars.Y }}', 'ümlaut', 'tab\there',
    'npx cdktf deploy \'a\' \'b\' --auto-approve', 'https://example.com/a?b=c#d',
  ];

  test.each(tricky)('writes %j so that it reads back as the same string', (s) => {
    expect(parse(toYaml({ key: s, list: [s] }))).toEqual({ key: s, list: [s] });
  });

  test('writes nested maps, lists of maps, empty collections, numbers, booleans and literal blocks', () => {
    const value = {
      jobs: { a: { needs: [], steps: [{ name: 'x', with: { n: 3, flag: false } }, { run: 'one\ntwo\n' }, { run: 'no newline\nat end' }] } },
      empty: {},
    };
    const text = toYaml(value);
    expect(parse(text)).toEqual(value);
    expect(text).toContain('run: |\n');
    expect(text).toContain('run: |-\n');
  });

  test('writes comments before keys and list items, and after scalars; a header first', () => {
    const text = toYaml({ a: commentBefore({ b: commentAfter('x@abc', 'v1.2.3') }, 'about a'), l: [commentBefore('i', 'about i')] }, ['head', '']);
    expect(text).toBe('# head\n#\n# about a\na:\n  b: x@abc # v1.2.3\nl:\n  # about i\n  - i\n');
    expect(parse(text)).toEqual({ a: { b: 'x@abc' }, l: ['i'] });
  });

  test('the same value gives the same bytes', () => {
    const v = { z: 1, a: ['b', { c: 'd' }] };
    expect(toYaml(v)).toBe(toYaml(JSON.parse(JSON.stringify(v))));
  });
});
