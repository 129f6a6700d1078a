/**
 * The ledger is only ever replaced atomically: a temporary file beside it,
 * written and flushed, renamed over it. A crash at any point before the
 * rename leaves the ledger byte for byte as it was, and no temporary file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigurationError } from '../../lib';
import { writeLedgerText } from '../../lib/cli/ledger-file';
import { errorOf, tempDir } from '../helpers';

const BEFORE = '{\n  "app": "shop",\n  "tiers": {}\n}\n';
const AFTER = '{\n  "app": "shop",\n  "tiers": {\n    "dev": {}\n  }\n}\n';

/** A folder with a ledger `releases.json` holding BEFORE. */
function folder(): { dir: string; file: string } {
  const dir = tempDir('switchyard-ledger-');
  const file = path.join(dir, 'releases.json');
  fs.writeFileSync(file, BEFORE);
  return { dir, file };
}

const realFs = require('fs') as typeof fs; // the module object the CLI's imports read from
afterEach(() => jest.restoreAllMocks());

describe('writing the ledger', () => {
  test('replaces the file by a rename: new content, new inode, no temporary file left', () => {
    const { dir, file } = folder();
    const ino = fs.statSync(file).ino;
    const renames = jest.spyOn(realFs, 'renameSync');
    writeLedgerText(dir, 'releases.json', BEFORE, AFTER);
    expect(fs.readFileSync(file, 'utf8')).toBe(AFTER);
    expect(fs.statSync(file).ino).not.toBe(ino);
    expect(renames).toHaveBeenCalledTimes(1);
    expect(renames.mock.calls[0][1]).toBe(file);
    expect(path.dirname(String(renames.mock.calls[0][0]))).toBe(dir);
    expect(fs.readdirSync(dir)).toEqual(['releases.json']);
  });

  test.each<[string, keyof typeof fs, string]>([
    ['between the write and the rename (the rename fails)', 'renameSync', 'EIO: i/o error, rename'],
    ['while writing (the disk is full)', 'writeSync', 'ENOSPC: no space left on device, write'],
    ['while flushing to disk', 'fsyncSync', 'EIO: i/o error, fsync'],
    ['while creating the temporary file', 'openSync', 'EACCES: permission denied, open'],
  ])('a crash %s leaves the ledger as it was and no temporary file', (_when, call, reason) => {
    const { dir, file } = folder();
    const ino = fs.statSync(file).ino;
    jest.spyOn(realFs, call as 'renameSync').mockImplementation(() => { throw new Error(reason); });
    let error: unknown;
    try {
      writeLedgerText(dir, 'releases.json', BEFORE, AFTER);
    } catch (e) {
      error = e;
    }
    jest.restoreAllMocks();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(`[releases.json] the release ledger "releases.json" cannot be written: check that its folder is writable; the ledger was left as it was (${reason})`);
    expect(fs.readFileSync(file, 'utf8')).toBe(BEFORE);
    expect(fs.statSync(file).ino).toBe(ino);
    expect(fs.readdirSync(dir)).toEqual(['releases.json']);
  });

  test('a ledger changed by someone else since it was read is not overwritten', () => {
    const { dir, file } = folder();
    expect(errorOf(() => writeLedgerText(dir, 'releases.json', '{"app": "shop", "tiers": {}}\n', AFTER))).toBe(
      '[releases.json] the release ledger "releases.json" changed while this command ran: nothing was written: run the command again');
    expect(fs.readFileSync(file, 'utf8')).toBe(BEFORE);
    expect(fs.readdirSync(dir)).toEqual(['releases.json']);
  });

  test('no other code in lib writes files: the ledger is written by writeLedgerText only', () => {
    const root = path.resolve(__dirname, '../..');
    const sources = (dir: string): string[] => fs.readdirSync(path.join(root, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    const writers = sources('lib')
      .filter((f) => /\b(writeFileSync|writeFile|appendFileSync|createWriteStream|writeSync|renameSync|copyFileSync)\(/.test(fs.readFileSync(path.join(root, f), 'utf8')))
      .sort();
    // The synth output (staged, then moved in), the policy report (into the staging folder), the graph's --out file,
    // generated CI files and an SVG chart: none of them is a ledger. A new writer here must not write a ledger: use writeLedgerText.
    expect(writers).toEqual(['lib/app.ts', 'lib/cli/graph.ts', 'lib/cli/ledger-file.ts', 'lib/cli/metrics.ts', 'lib/cli/pipeline.ts', 'lib/policy/report.ts']);
    const callers = sources('lib').filter((f) => fs.readFileSync(path.join(root, f), 'utf8').includes('writeLedgerText(')).sort();
    expect(callers).toEqual(['lib/cli/ledger-file.ts', 'lib/cli/release.ts']);
  });
});
