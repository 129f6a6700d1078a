/**
 * The public API is what api/*.api.md records: a change of the API is a change of those files,
 * seen in review. UPDATE_API=1 npx jest test/api records a deliberate change.
 */
import * as fs from 'fs';
import * as path from 'path';
import { apiReports, ENTRIES, reportFile } from './support/api-report';

const ROOT = path.resolve(__dirname, '..');
const reports = apiReports(ROOT);

if (process.env.UPDATE_API) {
  fs.mkdirSync(path.join(ROOT, 'api'), { recursive: true });
  for (const [entry, text] of Object.entries(reports)) fs.writeFileSync(path.join(ROOT, reportFile(entry)), text);
}

test.each(Object.keys(ENTRIES).map((e) => [e]))('%s: the API is the one recorded in its report', (entry) => {
  const file = path.join(ROOT, reportFile(entry));
  const recorded = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (recorded !== reports[entry]) {
    throw new Error(`the public API of ${entry} differs from ${reportFile(entry)}: if the change is meant, record it with UPDATE_API=1 npx jest test/api and review the diff`);
  }
});

test('the package exports exactly these entry points (and the runner and package.json), types first', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(Object.keys(pkg.exports)).toEqual([...Object.keys(ENTRIES), './register', './package.json']);
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const built = `./build/${file.replace(/\.ts$/, '')}`;
    expect(pkg.exports[entry]).toEqual({ types: `${built}.d.ts`, default: `${built}.js` });
    if (entry !== '.') expect(pkg.typesVersions['*'][entry.slice(2)]).toEqual([`${built.slice(2)}.d.ts`]);
  }
});

test('no export is in two entry points, and the root holds no constant tables', () => {
  const names = (text: string) => [...text.matchAll(/^(?:abstract )?(?:class|interface|function|const|type|enum|namespace) (\w+)/gm)].map((m) => m[1]);
  const seen = new Map<string, string>();
  for (const [entry, text] of Object.entries(reports)) {
    for (const n of names(text)) {
      // Policy is in the root (programs suppress with it) and in /policy (with the rule types).
      if (seen.has(n) && n !== 'Policy') throw new Error(`${n} is exported by both ${seen.get(n)} and ${entry}`);
      seen.set(n, entry);
    }
  }
  expect(names(reports['.']).filter((n) => /^[A-Z][A-Z0-9_]+$/.test(n))).toEqual([]);
});

test('the report catches a change: a member removed from a props interface is a different report', () => {
  expect(reports['.']).toMatch(/^interface BlueGreenServiceProps \{\n(?: {2}.*\n)*? {2}readonly image: string;$/m);
  expect(reports['./model']).toContain('function buildModel(root: IConstruct): DeliveryModel;');
});
