/**
 * Every relative link of the documentation (README.md, CONTRIBUTING.md, docs/*.md) leads to a file
 * that exists, and every `#anchor` to a heading of its page (as GitHub names headings); every docs/
 * page that a message of lib/ names exists.
 */
import * as fs from 'fs';
import * as path from 'path';
import { docFiles } from './support/readme-examples';

const ROOT = path.join(__dirname, '..');

/** The text without fenced code blocks, inline code and HTML comments: links there are not links. */
function prose(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/`[^`\n]*`/g, '');
}

/** The anchor GitHub gives a heading's text: lower case, punctuation dropped, spaces as '-'. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link: its text
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors of a page's headings, in order; a repeated heading gets -1, -2, ... as on GitHub. */
export function anchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  const text = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  return [...text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)].map((m) => {
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}-${n}`;
  });
}

/** What is wrong with the links of `file` (relative to `root`), one line each. */
export function linkProblems(root: string, file: string, markdown: string): string[] {
  const problems: string[] = [];
  for (const m of prose(markdown).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [where, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = where === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(where));
    if (!resolved.startsWith(root + path.sep) && resolved !== root) {
      problems.push(`${file}: ${target} leads out of the repository`);
      continue;
    }
    const self = resolved === path.join(root, file);
    if (!self && !fs.existsSync(resolved)) {
      problems.push(`${file}: ${target}: no file ${path.relative(root, resolved)}`);
      continue;
    }
    if (anchor !== undefined) {
      if (!resolved.endsWith('.md')) problems.push(`${file}: ${target}: an anchor into a file that is not Markdown`);
      else if (!anchors(self ? markdown : fs.readFileSync(resolved, 'utf8')).includes(anchor)) problems.push(`${file}: ${target}: ${path.relative(root, resolved)} has no heading #${anchor}`);
    }
  }
  return problems;
}

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? sources(path.join(dir, e.name))
    : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('links of the documentation', () => {
  const files = docFiles(ROOT);

  test('the documentation is the README, CONTRIBUTING.md and the pages of docs/', () => {
    expect(files.slice(0, 2)).toEqual(['README.md', 'CONTRIBUTING.md']);
    for (const page of ['README', 'RULES', 'cdktn', 'cli', 'dependencies', 'nothing-lost', 'observability', 'performance', 'pipelines', 'platform', 'progressive-delivery', 'releases', 'tiers', 'upgrading']) {
      expect(files).toContain(`docs/${page}.md`);
    }
  });

  test.each(docFiles(ROOT))('%s: every relative link and anchor resolves', (file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    expect(linkProblems(ROOT, file, text)).toEqual([]);
  });

  test('every page of docs/ is linked from the README or from docs/README.md', () => {
    const linked = new Set<string>();
    for (const from of ['README.md', 'docs/README.md']) {
      for (const m of prose(fs.readFileSync(path.join(ROOT, from), 'utf8')).matchAll(/\]\(([^)#\s]+)/g)) {
        linked.add(path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, from)), m[1])));
      }
    }
    expect(files.filter((f) => f.startsWith('docs/') && f !== 'docs/README.md' && !linked.has(f))).toEqual([]);
  });

  test('the README stays a front door: at most 300 lines', () => {
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(300);
  });

  test('a page that lib/ names in a message exists, with the heading it names', () => {
    const named: string[] = [];
    for (const file of sources(path.join(ROOT, 'lib'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bdocs\/[\w-]+\.md(?:#[\w-]+)?/g)) named.push(`${path.relative(ROOT, file)}: ${m[0]}`);
    }
    expect(named.some((n) => n.endsWith(': docs/RULES.md'))).toBe(true);
    const problems = named.flatMap((n) => {
      const [file, target] = n.split(': ');
      return linkProblems(ROOT, file, `[x](${path.relative(path.dirname(file), target)})`);
    });
    expect(problems).toEqual([]);
  });

  test('the checker finds a missing file, a missing heading and a link out of the repository, and skips code', () => {
    const text = [
      '# Top', '## The ledger\'s fields', '## CDK Terrain (`cdktn`): the path off archived cdktf', '## Top',
      '[ok](#the-ledgers-fields) [ok](#cdk-terrain-cdktn-the-path-off-archived-cdktf) [ok](#top-1) [ok](RULES.md#the-rules) [ok](../LICENSE)',
      '[gone](nope.md) [no heading](#nope) [no heading there](RULES.md#nope) [out](../../etc/passwd) [web](https://example.com/x#y)',
      '```md', '[in code](nowhere.md)', '```', '`[inline](nowhere.md)`', '<!-- [comment](nowhere.md) -->',
    ].join('\n');
    expect(linkProblems(ROOT, 'docs/fixture.md', text)).toEqual([
      'docs/fixture.md: nope.md: no file docs/nope.md',
      'docs/fixture.md: #nope: docs/fixture.md has no heading #nope',
      'docs/fixture.md: RULES.md#nope: docs/RULES.md has no heading #nope',
      'docs/fixture.md: ../../etc/passwd leads out of the repository',
    ]);
  });
});
