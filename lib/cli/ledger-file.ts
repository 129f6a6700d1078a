/** Reading and writing the ledger file: the only place the CLI touches it. */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigurationError, fail } from '../private/errors';

/**
 * The ledger's text. `file` is the path as the user gave it (named in
 * messages), resolved against `cwd`; `hint` says where the model expects it.
 */
export function readLedgerText(cwd: string, file: string, hint?: string): string {
  try {
    return fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return fail(file, `the release ledger %v cannot be read (${code})`, file,
      hint ?? 'pass its path with --ledger PATH, or create it (e.g. {"app": "<app>", "tiers": {}})');
  }
}

/**
 * Replaces the ledger with `text`, atomically: a temporary file in the same
 * folder, flushed to disk, renamed over the ledger (the file's mode is kept).
 * Refuses, writing nothing, when the ledger no longer holds `expected` (another
 * process changed it since it was read). On any failure the ledger is left as
 * it was and the temporary file is removed.
 */
export function writeLedgerText(cwd: string, file: string, expected: string, text: string): void {
  const target = path.resolve(cwd, file);
  let mode = 0o644;
  try {
    const current = fs.readFileSync(target, 'utf8');
    if (current !== expected) {
      fail(file, 'the release ledger %v changed while this command ran', file, 'nothing was written: run the command again');
    }
    mode = fs.statSync(target).mode & 0o777;
  } catch (e) {
    if (e instanceof ConfigurationError) throw e;
    fail(file, 'the release ledger %v cannot be read again before writing', file, `nothing was written: check the file (${(e as Error).message})`);
  }
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', mode);
    fs.fchmodSync(fd, mode);
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) {
      try { fs.closeSync(fd); } catch { /* already failing */ }
    }
    fs.rmSync(tmp, { force: true });
    fail(file, 'the release ledger %v cannot be written', file, `check that its folder is writable; the ledger was left as it was (${(e as Error).message})`);
  }
  // Make the rename itself durable; not every platform can fsync a folder.
  try {
    const dir = fs.openSync(path.dirname(target), 'r');
    try { fs.fsyncSync(dir); } finally { fs.closeSync(dir); }
  } catch { /* best effort */ }
}
