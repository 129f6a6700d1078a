// One job per file: no module of lib/ grows past 400 lines (split it along its seams instead).
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.resolve(__dirname, '..', 'lib');

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

test('no file of lib/ is over 400 lines', () => {
  const long = files(LIB).map((f) => [path.relative(LIB, f), fs.readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 400);
  expect(long).toEqual([]);
  expect(files(LIB).length).toBeGreaterThan(50);
});
