/**
 * Reading and writing the ledger file: the only place the CLI touches it.
 *
 * A step reads, checks and writes the ledger under an exclusive lock, so no
 * two steps (people, pipeline jobs) interleave and every step that says it
 * succeeded is in the ledger afterwards. A write puts every byte in a
 * temporary file beside the ledger, flushes it, reads it back, and only then
 * renames it over the ledger; on any error the ledger stays as it was. A
 * ledger that is a symbolic link is written through to the file it points to.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fail } from '../private/errors';

/** How a step waits for the ledger's lock. */
export interface LockOptions {
  /**
   * How long to wait for another step to finish, in milliseconds.
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * A lock older than this is stale whoever holds it (a process on another machine that died).
   * @default 600000 (10 minutes)
   */
  readonly staleAfterMs?: number;
  /**
   * Remove a stale lock (its process is gone, or it is older than staleAfterMs) and go on.
   * @default false
   */
  readonly breakLock?: boolean;
  /** The command taking the step, recorded in the lock for whoever waits. */
  readonly command?: string;
}

/** What a lock file says about its holder. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly command?: string;
  readonly token?: string;
}

/** Where the ledger is: the path as given, and the file itself (a symlink's target). */
function locate(cwd: string, file: string): string {
  const given = path.resolve(cwd, file);
  try {
    return fs.realpathSync(given);
  } catch {
    return given;
  }
}

/**
 * The ledger's text. `file` is the path as the user gave it (named in
 * messages), resolved against `cwd`; `hint` says where the model expects it.
 */
export function readLedgerText(cwd: string, file: string, hint?: string): string {
  try {
    return fs.readFileSync(locate(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return fail(file, `the release ledger %v cannot be read (${code})`, file,
      hint ?? 'pass its path with --ledger PATH, or create one: switchyard init --app <app>');
  }
}

/** Sleeps `ms` milliseconds without returning to the event loop (the CLI is synchronous). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True when process `pid` runs on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lock: string): Holder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(lock, 'utf8')) as Holder;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.started === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

function describe(h: Holder | undefined, lock: string): string {
  if (!h) return `an unreadable lock file ${lock}`;
  return `process ${h.pid} on ${h.host}${h.command ? ` (${h.command})` : ''}, since ${h.started}`;
}

/** Why a lock is stale, or undefined when its holder may still be working. */
function staleness(h: Holder | undefined, lock: string, staleAfterMs: number): string | undefined {
  let age: number;
  try {
    age = Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return undefined;
  }
  if (h && h.host === os.hostname() && !alive(h.pid)) return `process ${h.pid} on this machine is gone`;
  if (age > staleAfterMs) return `it is ${Math.round(age / 1000)} s old, past ${Math.round(staleAfterMs / 1000)} s`;
  // A lock is written whole before it is linked into place: an unreadable one was left by hand or by a crash.
  if (!h && age > 2000) return 'it names no process (an unreadable lock file)';
  // Being written by its holder right now: not stale yet.
  return undefined;
}

/** Temporary files of this ledger left by steps that were killed on this machine: removed. */
function sweep(target: string): void {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  const host = os.hostname();
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(.+)\.(\d+)\.[0-9a-f]+(?:\.lock)?\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (m && m[1] === host && !alive(Number(m[2]))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/**
 * Runs `step` on the ledger's current text while holding its lock, and writes
 * the text it returns (if any). The lock (`<ledger>.lock` beside the file,
 * written whole aside and hard-linked into place, which fails if it exists) holds the step's process, machine and start; a step
 * waits up to `timeoutMs` for another to finish, then refuses, naming the
 * holder. A stale lock is reported, and removed with `breakLock`.
 */
export function updateLedger<T>(cwd: string, file: string, step: (text: string) => { text?: string; result: T }, options: LockOptions = {}): T {
  const target = locate(cwd, file);
  if (!fs.existsSync(target)) readLedgerText(cwd, file);
  const lock = `${target}.lock`;
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const timeout = options.timeoutMs ?? 10_000;
  const staleAfter = options.staleAfterMs ?? 600_000;
  const until = Date.now() + timeout;
  let wait = 20;
  // The lock is written whole aside, then linked into place: linking fails when the lock exists, and a
  // step killed while taking it leaves at most its own temporary file (swept), never half a lock.
  const mine: Holder = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), command: options.command, token };
  const pending = path.join(path.dirname(target), `.${path.basename(target)}.${os.hostname()}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.lock.tmp`);
  try {
    fs.writeFileSync(pending, `${JSON.stringify(mine)}\n`, { flag: 'wx', mode: 0o644 });
  } catch (e) {
    fail(file, 'the release ledger %v cannot be locked', file, `check that its folder is writable (${(e as Error).message}); nothing was written`);
  }
  for (;;) {
    try {
      fs.linkSync(pending, lock);
      fs.rmSync(pending, { force: true });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        fs.rmSync(pending, { force: true });
        fail(file, 'the release ledger %v cannot be locked', file, `check that its folder is writable (${(e as Error).message}); nothing was written`);
      }
    }
    const holder = readHolder(lock);
    const stale = staleness(holder, lock, staleAfter);
    if (stale) {
      if (!options.breakLock) {
        fs.rmSync(pending, { force: true });
        fail(file, `the release ledger %v is locked by ${describe(holder, lock)}, and the lock is stale (${stale})`, file,
          `if no step is running on it, run the command again with --break-lock (it removes ${lock}); nothing was written`);
      }
      // One breaker wins the rename; the others find the lock gone or a new one.
      const broken = `${lock}.broken-${token}`;
      try {
        fs.renameSync(lock, broken);
        fs.rmSync(broken, { force: true });
      } catch { /* another step broke or released it first */ }
      continue;
    }
    if (Date.now() >= until) {
      fs.rmSync(pending, { force: true });
      fail(file, `the release ledger %v is locked by ${describe(holder, lock)}`, file,
        `wait until that step finishes and run the command again (waited ${timeout >= 1000 ? `${Math.round(timeout / 1000)} s` : `${timeout} ms`}); nothing was written`);
    }
    sleep(Math.min(wait, Math.max(1, until - Date.now())));
    wait = Math.min(wait * 2, 250);
  }
  // Killed between here and the release (Ctrl-C, a pipeline timeout): remove what is ours first.
  const temps: string[] = [];
  const cleanup = () => {
    for (const t of temps) fs.rmSync(t, { force: true });
    if (readHolder(lock)?.token === token) fs.rmSync(lock, { force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    sweep(target);
    const text = readLedgerText(cwd, file);
    const outcome = step(text);
    if (outcome.text !== undefined) writeLedgerFile(target, file, outcome.text, temps);
    return outcome.result;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    cleanup();
  }
}

/**
 * Replaces the ledger (the file itself, also when `file` is a symlink to it)
 * with `text`: every byte into a temporary file in the same folder (mode
 * kept), flushed to disk, read back and compared, then renamed over the
 * ledger. On any failure the ledger is left as it was, the temporary file
 * removed, and the step refused with the reason.
 */
function writeLedgerFile(target: string, file: string, text: string, temps: string[], replace = true): void {
  let mode = 0o644;
  try {
    mode = fs.statSync(target).mode & 0o777;
  } catch { /* a new file */ }
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${os.hostname()}.${process.pid}.${Math.random().toString(16).slice(2, 10)}.tmp`);
  temps.push(tmp);
  const bytes = Buffer.from(text, 'utf8');
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.fchmodSync(fd, mode);
    // A write may take fewer bytes than given (a full disk, a file-size limit): write the rest, or fail.
    for (let off = 0; off < bytes.length;) {
      const n = fs.writeSync(fd, bytes, off, bytes.length - off);
      if (n <= 0) throw new Error(`the disk took no more bytes after ${off} of ${bytes.length}`);
      off += n;
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    const back = fs.readFileSync(tmp);
    if (!back.equals(bytes)) throw new Error(`the file read back has ${back.length} bytes, not the ${bytes.length} written`);
    if (replace) {
      fs.renameSync(tmp, target);
    } else {
      // A new ledger: linked in place, which fails if anything took the name meanwhile.
      fs.linkSync(tmp, target);
      fs.rmSync(tmp, { force: true });
    }
  } catch (e) {
    if (!replace && (e as NodeJS.ErrnoException).code === 'EEXIST') {
      fs.rmSync(tmp, { force: true });
      fail(file, 'a file is already at %v', file, 'nothing was written: keep that ledger, or pass another path with --ledger PATH');
    }
    if (fd !== undefined) {
      try { fs.closeSync(fd); } catch { /* already failing */ }
    }
    fs.rmSync(tmp, { force: true });
    const reason = (e as Error).message;
    fail(file, 'the release ledger %v cannot be written', file, `the ledger was left as it was; free disk space or check the folder and its limits, then run the command again (${reason})`);
  }
  // Make the rename itself durable; not every platform can fsync a folder.
  try {
    const dir = fs.openSync(path.dirname(target), 'r');
    try { fs.fsyncSync(dir); } finally { fs.closeSync(dir); }
  } catch { /* best effort */ }
}

/**
 * Writes a new ledger at `file`, refusing to replace anything there (`switchyard init`). The same
 * full write as a step's.
 */
export function createLedger(cwd: string, file: string, text: string): void {
  const target = path.resolve(cwd, file);
  let exists = false;
  try {
    fs.lstatSync(target);
    exists = true;
  } catch { /* free */ }
  if (exists) fail(file, 'a file is already at %v', file, 'nothing was written: keep that ledger, or pass another path with --ledger PATH');
  if (!fs.existsSync(path.dirname(target))) fail(file, 'the folder of %v does not exist', file, 'create the folder first, or pass another path with --ledger PATH');
  writeLedgerFile(target, file, text, [], false);
}
