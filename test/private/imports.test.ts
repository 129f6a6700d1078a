import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../..');
const ONLY = path.join('lib', 'private', 'cdk.ts');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return /\.(ts|js)$/.test(e.name) ? [rel] : [];
  });
}

/** Module specifiers a file imports or requires. */
function imported(file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const re = /(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g;
  return [...text.matchAll(re)].map((m) => m[1]);
}

describe('imports', () => {
  const files = ['lib', 'examples', 'test'].flatMap(sources);

  test('only lib/private/cdk.ts imports cdktf or a provider binding (so a move to CDK Terrain is one file)', () => {
    // The benchmark loads the AWS package root on purpose: it is the reference it measures against.
    const offenders = files
      .filter((f) => f !== ONLY && f !== path.join('test', 'support', 'bench.js'))
      .flatMap((f) => imported(f).filter((m) => m === 'cdktf' || m.startsWith('cdktf/') || m.startsWith('@cdktf/')).map((m) => `${f}: ${m}`));
    expect(offenders).toEqual([]);
  });

  test('provider bindings are imported by deep path, never from a package root', () => {
    const roots = imported(ONLY).filter((m) => /^@cdktf\/provider-[a-z]+$/.test(m));
    expect(roots).toEqual([]);
    expect(imported(ONLY).filter((m) => m.startsWith('@cdktf/')).every((m) => /^@cdktf\/provider-(aws|kubernetes|helm)\/lib\/[a-z0-9-]+$/.test(m))).toBe(true);
  });

  test('lib takes constructs from the same module', () => {
    const offenders = sources('lib').filter((f) => f !== ONLY && imported(f).includes('constructs'));
    expect(offenders).toEqual([]);
  });
});
