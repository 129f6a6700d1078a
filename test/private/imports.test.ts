/**
 * Only lib/private/cdk.ts loads cdktf, constructs and the provider bindings,
 * so a move to CDK Terrain (`cdktn`, `@cdktn/provider-*`: a rename of the
 * packages) is one edit there (plus package.json and the CLI name in
 * lib/private/cdk-cli.ts). The guard knows both families of names, so it
 * still holds after the move, and every way a file can load a module.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '../..');
const ONLY = path.join('lib', 'private', 'cdk.ts');

/**
 * Files allowed to load a guarded package, each with why. Keep this short.
 * - the benchmark loads `@cdktf/provider-aws` from its package root on purpose: it is the reference
 *   every figure is measured against (a child `node -e "require(...)"`).
 */
const EXEMPT: Readonly<Record<string, string>> = {
  [path.join('test', 'support', 'bench.js')]: 'the reference load of the benchmark',
};

/** cdktf and CDK Terrain, their CLIs and their provider bindings (and anything else under their scopes). */
const GUARDED = /^(?:(?:cdktf|cdktn)(?:-cli)?(?:\/|$)|@(?:cdktf|cdktn)\/)/;

/** Source texts and the module each loads, for the scanner's own test. */
const SAMPLES = JSON.parse(fs.readFileSync(path.join(__dirname, 'import-samples.json'), 'utf8')) as Array<[string, string, string]>;

const SOURCE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

function sources(dir: string): string[] {
  if (!fs.existsSync(path.join(root, dir))) return [];
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(rel);
    return SOURCE.test(e.name) ? [rel] : [];
  });
}

/**
 * Module specifiers a source text loads: `import ... from`, `import 'x'`, `export ... from`,
 * `import x = require()`, `require()`, `import()` (string or template literal), and by pattern
 * `require.resolve()`, `jest.mock()` / `jest.requireActual()`, template literals with
 * substitutions (their static start, e.g. `@cdktf/provider-`), and a `require('x')` written inside
 * a string (code handed to another process, `node -e "require('x')"`).
 */
function imported(text: string): string[] {
  const found = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  const patterns = [
    /\b(?:require(?:\.resolve)?|import|jest\.(?:mock|requireActual|doMock))\s*\(\s*`([^`$]*)/g,
    /\b(?:require(?:\.resolve)?|import|jest\.(?:mock|requireActual|doMock))\s*\(\s*(['"])([^'"]+)\1/g,
  ];
  for (const m of text.matchAll(patterns[0])) found.push(m[1]);
  for (const m of text.matchAll(patterns[1])) found.push(m[2]);
  return [...new Set(found)];
}

const importsOf = (file: string) => imported(fs.readFileSync(path.join(root, file), 'utf8'));

describe('imports', () => {
  const files = ['lib', 'examples', 'test', '.ci'].flatMap(sources);

  test('the scan covers every kind of source file the repository has', () => {
    expect(files).toContain(ONLY);
    expect(files).toContain(path.join('.ci', 'terraform-gate.js'));
    expect(files).toContain(path.join('test', 'support', 'bench.js'));
    expect(files.length).toBeGreaterThan(100);
  });

  test('only lib/private/cdk.ts loads cdktf, cdktn or a provider binding (so a move to CDK Terrain is one file)', () => {
    const offenders = files
      .filter((f) => f !== ONLY && !(f in EXEMPT))
      .flatMap((f) => importsOf(f).filter((m) => GUARDED.test(m)).map((m) => `${f}: ${m}`));
    expect(offenders).toEqual([]);
  });

  test('each exemption still loads a guarded package (else it is removed from the list)', () => {
    for (const f of Object.keys(EXEMPT)) expect([f, importsOf(f).some((m) => GUARDED.test(m))]).toEqual([f, true]);
  });

  test('provider bindings are imported by deep path, never from a package root', () => {
    const providers = importsOf(ONLY).filter((m) => /^@(cdktf|cdktn)\//.test(m));
    expect(providers.length).toBeGreaterThan(50);
    expect(providers.filter((m) => !/^@(cdktf|cdktn)\/provider-(aws|kubernetes|helm)\/lib\/[a-z0-9-]+$/.test(m))).toEqual([]);
  });

  test('lib takes constructs from the same module', () => {
    const offenders = sources('lib').filter((f) => f !== ONLY && importsOf(f).some((m) => m === 'constructs' || m.startsWith('constructs/')));
    expect(offenders).toEqual([]);
  });
});

/** The text of every string and template literal of a TypeScript file (comments left out). */
function literals(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out;
}

describe('the name of the CLI', () => {
  const NAME_MODULE = path.join('lib', 'private', 'cdk-cli.ts');

  test('commands lib prints (`npx cdktf deploy ...`) take the CLI name from lib/private/cdk-cli.ts', () => {
    const command = /\b(?:cdktf|cdktn) (?:synth|deploy|diff|destroy|get|list|output)\b/;
    const offenders = sources('lib').filter((f) => f !== NAME_MODULE && f.endsWith('.ts'))
      .flatMap((f) => literals(f).filter((t) => command.test(t)).map((t) => `${f}: ${JSON.stringify(t)}`));
    expect(offenders).toEqual([]);
  });

  test('the CLI module loads nothing, so the CLI prints the name without loading the framework', () => {
    expect(importsOf(NAME_MODULE)).toEqual([]);
    expect(literals(NAME_MODULE)).toEqual(['cdktf']);
  });
});

describe('the import scanner', () => {
  // The samples are data (a JSON file), so this file loads none of them itself.
  test.each(SAMPLES)('finds %s', (_what, text, module) => {
    const found = imported(text);
    expect(found).toContain(module);
    expect(found.some((m) => GUARDED.test(m))).toBe(true);
  });

  test.each([
    ['cdktf'], ['cdktf/lib/x'], ['cdktn'], ['cdktn/lib/testing'], ['cdktf-cli'], ['cdktn-cli'],
    ['@cdktf/provider-aws'], ['@cdktn/provider-aws/lib/vpc'], ['@cdktn/provider-helm'], ['@cdktf/provider-'],
  ])('guards %s', (m) => expect(GUARDED.test(m)).toBe(true));

  test.each([['constructs'], ['cdktf-helpers'], ['my-cdktf'], ['@acme/cdktf'], ['./cdktf'], ['cdktfx']])('does not guard %s', (m) => {
    expect(GUARDED.test(m)).toBe(false);
  });
});
