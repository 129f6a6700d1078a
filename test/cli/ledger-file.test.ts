/**
 * The ledger is changed only under its lock and only by a whole, checked
 * write: every byte into a temporary file beside it, flushed, read back,
 * renamed over it. A failure at any point leaves the ledger byte for byte as
 * it was, and no temporary file or lock behind. (Parallel processes, kills
 * and a full disk: test/cli/ledger-lock.test.ts.)
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigurationError } from '../../lib';
import { createLedger, readLedgerText, updateLedger } from '../../lib/cli/ledger-file';
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

/** A step that replaces the ledger with AFTER and says what it read. */
const toAfter = (text: string) => ({ text: AFTER, result: text });

const realFs = require('fs') as typeof fs; // the module object the CLI's imports read from
afterEach(() => jest.restoreAllMocks());

describe('writing the ledger', () => {
  test('replaces the file by a rename: new content, new inode, no temporary file or lock left', () => {
    const { dir, file } = folder();
    const ino = fs.statSync(file).ino;
    const renames = jest.spyOn(realFs, 'renameSync');
    expect(updateLedger(dir, 'releases.json', toAfter)).toBe(BEFORE);
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
  ])('a failure %s leaves the ledger as it was and no temporary file or lock', (_when, call, reason) => {
    const { dir, file } = folder();
    const ino = fs.statSync(file).ino;
    const original = realFs[call] as (...a: unknown[]) => unknown;
    // The lock file is written too: only the ledger's temporary file fails.
    jest.spyOn(realFs, call as 'renameSync').mockImplementation(((...a: unknown[]) => {
      const target = typeof a[0] === 'string' ? a[0] : '';
      const name = typeof a[0] === 'number' ? String(fdPath(a[0] as number)) : target;
      const isTemp = name.endsWith('.tmp') && !name.endsWith('.lock.tmp');
      if (isTemp) throw new Error(reason);
      return original.apply(realFs, a);
    }) as never);
    const error = errorOf(() => updateLedger(dir, 'releases.json', toAfter));
    jest.restoreAllMocks();
    expect(error).toBe(`[releases.json] the release ledger "releases.json" cannot be written: the ledger was left as it was; free disk space or check the folder and its limits, then run the command again (${reason})`);
    expect(fs.readFileSync(file, 'utf8')).toBe(BEFORE);
    expect(fs.statSync(file).ino).toBe(ino);
    expect(fs.readdirSync(dir)).toEqual(['releases.json']);
  });

  test('a short write is finished (every byte goes in), a write that takes nothing is a failure', () => {
    const { dir, file } = folder();
    const original = realFs.writeSync;
    let calls = 0;
    // The disk takes at most 7 bytes per call, as a nearly full disk or a pipe may.
    jest.spyOn(realFs, 'writeSync').mockImplementation(((fd: number, buf: Buffer, off: number, len: number) => {
      if (!Buffer.isBuffer(buf) || String(fdPath(fd)).endsWith('.lock.tmp')) return (original as (...a: unknown[]) => number)(fd, buf, off, len);
      calls++;
      return original(fd, buf, off, Math.min(len, 7));
    }) as never);
    updateLedger(dir, 'releases.json', toAfter);
    expect(calls).toBe(Math.ceil(Buffer.byteLength(AFTER) / 7));
    expect(fs.readFileSync(file, 'utf8')).toBe(AFTER);
    jest.restoreAllMocks();
    const { dir: dir2, file: file2 } = folder();
    jest.spyOn(realFs, 'writeSync').mockImplementation(((fd: number, buf: Buffer, off: number, len: number) =>
      (Buffer.isBuffer(buf) && !String(fdPath(fd)).endsWith('.lock.tmp') ? 0 : (original as (...a: unknown[]) => number)(fd, buf, off, len))) as never);
    expect(errorOf(() => updateLedger(dir2, 'releases.json', toAfter))).toMatch(/cannot be written: .*\(the disk took no more bytes after 0 of \d+\)$/);
    expect(fs.readFileSync(file2, 'utf8')).toBe(BEFORE);
    expect(fs.readdirSync(dir2)).toEqual(['releases.json']);
  });

  test('a temporary file that does not read back as written is never renamed into place', () => {
    const { dir, file } = folder();
    const original = realFs.readFileSync;
    jest.spyOn(realFs, 'readFileSync').mockImplementation(((p: fs.PathOrFileDescriptor, o?: unknown) =>
      (String(p).endsWith('.tmp') ? Buffer.from(AFTER.slice(0, 10)) : original(p, o as never))) as never);
    expect(errorOf(() => updateLedger(dir, 'releases.json', toAfter))).toMatch(/the ledger was left as it was; .*\(the file read back has 10 bytes, not the \d+ written\)$/);
    jest.restoreAllMocks();
    expect(fs.readFileSync(file, 'utf8')).toBe(BEFORE);
    expect(fs.readdirSync(dir)).toEqual(['releases.json']);
  });

  test('a step that refuses writes nothing and leaves no lock', () => {
    const { dir, file } = folder();
    expect(() => updateLedger(dir, 'releases.json', () => { throw new ConfigurationError('x', 'refused %v', 1, 'fix'); })).toThrow(ConfigurationError);
    expect(fs.readFileSync(file, 'utf8')).toBe(BEFORE);
    expect(fs.readdirSync(dir)).toEqual(['releases.json']);
  });

  test('keeps the file\'s mode', () => {
    const { dir, file } = folder();
    fs.chmodSync(file, 0o640);
    updateLedger(dir, 'releases.json', toAfter);
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
  });
});

describe('a ledger that is a symbolic link', () => {
  test('is written through to the file it points to; the link stays a link', () => {
    const dir = tempDir('switchyard-ledger-');
    fs.mkdirSync(path.join(dir, 'shared'));
    const real = path.join(dir, 'shared', 'shop-releases.json');
    fs.writeFileSync(real, BEFORE);
    fs.symlinkSync(path.join('shared', 'shop-releases.json'), path.join(dir, 'releases.json'));
    expect(readLedgerText(dir, 'releases.json')).toBe(BEFORE);
    updateLedger(dir, 'releases.json', toAfter);
    expect(fs.lstatSync(path.join(dir, 'releases.json')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, 'utf8')).toBe(AFTER);
    // The temporary file and the lock live beside the real file, and are gone.
    expect(fs.readdirSync(path.join(dir, 'shared'))).toEqual(['shop-releases.json']);
  });
});

describe('the lock', () => {
  const lockOf = (file: string) => `${file}.lock`;
  const holder = (pid: number, host = os.hostname(), started = new Date().toISOString()) => JSON.stringify({ pid, host, started, command: 'switchyard approve api 1.0.0' });

  test('a lock held by a running step makes the next one wait, then refuse naming the holder', async () => {
    const { dir, file } = folder();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      fs.writeFileSync(lockOf(file), holder(child.pid!));
      const started = Date.now();
      const message = errorOf(() => updateLedger(dir, 'releases.json', toAfter, { timeoutMs: 400 }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(message).toBe(`[releases.json] the release ledger "releases.json" is locked by process ${child.pid} on ${os.hostname()} (switchyard approve api 1.0.0), since ${JSON.parse(fs.readFileSync(lockOf(file), 'utf8')).started}: wait until that step finishes and run the command again (waited 400 ms); nothing was written`);
      expect(fs.readFileSync(file, 'utf8')).toBe(BEFORE);
      // The holder's lock is left alone.
      expect(fs.existsSync(lockOf(file))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('a step waits for a lock released meanwhile, then goes on', () => {
    const { dir, file } = folder();
    fs.writeFileSync(lockOf(file), holder(process.pid));
    // Released 150 ms later by another process.
    spawn(process.execPath, ['-e', `setTimeout(() => require('fs').rmSync(${JSON.stringify(lockOf(file))}), 150)`]);
    expect(updateLedger(dir, 'releases.json', toAfter, { timeoutMs: 5000 })).toBe(BEFORE);
    expect(fs.readFileSync(file, 'utf8')).toBe(AFTER);
    expect(fs.existsSync(lockOf(file))).toBe(false);
  });

  test('a lock whose process is gone is stale: reported, and broken only when asked', () => {
    const { dir, file } = folder();
    const gone = spawnAndWait();
    fs.writeFileSync(lockOf(file), holder(gone));
    expect(errorOf(() => updateLedger(dir, 'releases.json', toAfter))).toBe(
      `[releases.json] the release ledger "releases.json" is locked by process ${gone} on ${os.hostname()} (switchyard approve api 1.0.0), since ${JSON.parse(fs.readFileSync(lockOf(file), 'utf8')).started}, and the lock is stale (process ${gone} on this machine is gone): if no step is running on it, run the command again with --break-lock (it removes ${lockOf(file)}); nothing was written`);
    expect(fs.readFileSync(file, 'utf8')).toBe(BEFORE);
    updateLedger(dir, 'releases.json', toAfter, { breakLock: true });
    expect(fs.readFileSync(file, 'utf8')).toBe(AFTER);
    expect(fs.readdirSync(dir)).toEqual(['releases.json']);
  });

  test('a lock of another machine is stale only once older than the bound', () => {
    const { dir, file } = folder();
    fs.writeFileSync(lockOf(file), holder(1, 'ci-runner-7'));
    expect(errorOf(() => updateLedger(dir, 'releases.json', toAfter, { timeoutMs: 100 }))).toMatch(/is locked by process 1 on ci-runner-7 .*: wait until that step finishes/);
    const old = new Date(Date.now() - 11 * 60_000);
    fs.utimesSync(lockOf(file), old, old);
    expect(errorOf(() => updateLedger(dir, 'releases.json', toAfter))).toMatch(/and the lock is stale \(it is 6\d\d s old, past 600 s\): if no step is running on it, run the command again with --break-lock/);
  });

  test('an empty lock (nobody writes one: locks are linked in whole) is waited on for 2 s, then stale', () => {
    const { dir, file } = folder();
    fs.writeFileSync(lockOf(file), '');
    expect(errorOf(() => updateLedger(dir, 'releases.json', toAfter, { timeoutMs: 100 }))).toMatch(/is locked by an unreadable lock file .*: wait until that step finishes/);
    const old = new Date(Date.now() - 3000);
    fs.utimesSync(lockOf(file), old, old);
    expect(errorOf(() => updateLedger(dir, 'releases.json', toAfter))).toMatch(/and the lock is stale \(it names no process \(an unreadable lock file\)\): if no step is running on it, run the command again with --break-lock/);
    updateLedger(dir, 'releases.json', toAfter, { breakLock: true });
    expect(fs.readFileSync(file, 'utf8')).toBe(AFTER);
    expect(fs.readdirSync(dir)).toEqual(['releases.json']);
  });

  test('temporary files of steps killed on this machine are swept by the next step', () => {
    const { dir, file } = folder();
    const gone = spawnAndWait();
    const pendingLock = path.join(dir, `.releases.json.${os.hostname()}.${gone}.0badf00d.lock.tmp`);
    fs.writeFileSync(pendingLock, holder(gone));
    const left = path.join(dir, `.releases.json.${os.hostname()}.${gone}.deadbeef.tmp`);
    const mine = path.join(dir, `.releases.json.${os.hostname()}.${process.pid}.cafe.tmp`);
    fs.writeFileSync(left, '{"app": "sh');
    fs.writeFileSync(mine, 'in use');
    updateLedger(dir, 'releases.json', toAfter);
    expect(fs.existsSync(left)).toBe(false);
    expect(fs.existsSync(pendingLock)).toBe(false);
    expect(fs.existsSync(mine)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(AFTER);
  });
});

describe('a new ledger (switchyard init)', () => {
  test('is written, and nothing already at the path is ever replaced', () => {
    const dir = tempDir('switchyard-ledger-');
    createLedger(dir, 'releases.json', BEFORE);
    expect(fs.readFileSync(path.join(dir, 'releases.json'), 'utf8')).toBe(BEFORE);
    expect(errorOf(() => createLedger(dir, 'releases.json', AFTER))).toBe('[releases.json] a file is already at "releases.json": nothing was written: keep that ledger, or pass another path with --ledger PATH');
    fs.symlinkSync('nowhere.json', path.join(dir, 'dangling.json'));
    expect(errorOf(() => createLedger(dir, 'dangling.json', AFTER))).toMatch(/a file is already at "dangling\.json"/);
    expect(fs.readFileSync(path.join(dir, 'releases.json'), 'utf8')).toBe(BEFORE);
    expect(fs.readdirSync(dir).sort()).toEqual(['dangling.json', 'releases.json']);
  });
});

test('no other code in lib writes the ledger: ledger-file.ts only', () => {
  const root = path.resolve(__dirname, '../..');
  const sources = (dir: string): string[] => fs.readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  const writers = sources('lib')
    .filter((f) => /\b(writeFileSync|writeFile|appendFileSync|createWriteStream|writeSync|renameSync|copyFileSync|linkSync)\(/.test(fs.readFileSync(path.join(root, f), 'utf8')))
    .sort();
  // The synth output (staged, then moved in), the policy report (into the staging folder), the CLI's generated
  // files (a diagram, a chart: output.ts) and generated CI files: none of them is a ledger.
  expect(writers).toEqual(['lib/app.ts', 'lib/cli/ledger-file.ts', 'lib/cli/output.ts', 'lib/cli/pipeline/write.ts', 'lib/policy/report.ts']);
  const callers = sources('lib').filter((f) => /\b(updateLedger|createLedger)\(/.test(fs.readFileSync(path.join(root, f), 'utf8'))).sort();
  expect(callers).toEqual(['lib/cli/init.ts', 'lib/cli/ledger-file.ts', 'lib/cli/step.ts']);
});

/** The pid of a process that ran and exited (so no process has it now, for a while). */
function spawnAndWait(): number {
  const r = require('child_process').spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** The path a file descriptor is open on (Linux). */
function fdPath(fd: number): string {
  try {
    return fs.readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return '';
  }
}
