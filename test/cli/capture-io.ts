import { CliIo } from '../../lib/cli/io';

/** A CLI io that records what a command prints, in `cwd`, at a fixed time. */
export interface CapturedIo extends CliIo {
  readonly stdout: string[];
  readonly stderr: string[];
}

export function captureIo(cwd: string, now = new Date('2026-11-23T12:00:00Z')): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, cwd, now: () => now, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}
