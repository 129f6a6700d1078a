/**
 * Nothing lost, with real processes: many `switchyard` steps at once on one
 * ledger, steps killed at random moments, and a disk that takes too little
 * (a file-size limit). Afterwards every step that said it succeeded is in the
 * ledger, the ledger reads as valid, and no temporary file is left once the
 * next step ran.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { shop } from '../../examples/shop/shop';
import { ReleaseLedger } from '../../lib';
import { tiers } from '../fixtures';
import { synth, tempDir } from '../helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'shop', 'releases.json');
let modelText: string;

beforeAll(() => {
  modelText = fs.readFileSync(path.join(synth((app) => shop(app)).outdir, 'switchyard.json'), 'utf8');
  // Transpile the CLI once, so the processes below only read the runner's cache.
  expect(cli(tempDir(), ['help']).status).toBe(0);
});

/** A project folder with the shop's model and a copy of its ledger. */
function project(): string {
  const dir = tempDir('switchyard-lock-');
  fs.copyFileSync(EXAMPLE, path.join(dir, 'releases.json'));
  fs.mkdirSync(path.join(dir, 'cdktf.out'));
  fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), modelText);
  return dir;
}

const ARGS = ['--require', path.join(ROOT, 'examples', 'register.js'), path.join(ROOT, 'lib', 'cli', 'main.ts')];

function cli(cwd: string, argv: string[], shell?: string) {
  return shell
    ? spawnSync('bash', ['-c', `${shell}; exec "$0" "$@"`, process.execPath, ...ARGS, ...argv], { cwd, encoding: 'utf8' })
    : spawnSync(process.execPath, [...ARGS, ...argv], { cwd, encoding: 'utf8' });
}

interface Run {
  readonly version: string;
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
}

/** `switchyard approve api <version> --tier dev` as a process of its own. */
function approve(cwd: string, version: string, by: string): Run {
  const child = spawn(process.execPath, [...ARGS, 'approve', 'api', version, '--tier', 'dev', '--by', by], { cwd });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
  return { version, child, done };
}

const approvals = (dir: string) => ReleaseLedger.parse(fs.readFileSync(path.join(dir, 'releases.json'), 'utf8'), tiers())
  .release('dev', 'api')!.approvals.map((a) => a.version);

describe('the ledger under concurrent steps', () => {
  test('30 steps at once: every step that reports success is in the ledger, and nothing else is', async () => {
    const dir = project();
    const runs = Array.from({ length: 30 }, (_, i) => approve(dir, `3.0.${i}`, `job-${i}`));
    const results = await Promise.all(runs.map((r) => r.done));
    const succeeded = runs.filter((_, i) => results[i].code === 0).map((r) => r.version);
    // A step that did not succeed said why: it waited for the lock past its bound.
    results.filter((r) => r.code !== 0).forEach((r) => expect(r.err).toMatch(/is locked by process \d+/));
    expect(succeeded.length).toBeGreaterThan(20);
    expect(approvals(dir).sort()).toEqual([...succeeded].sort());
    for (const [i, r] of results.entries()) if (r.code === 0) expect(r.out).toContain(`approved api ${runs[i].version} for dev (by job-${i})`);
    expect(fs.readdirSync(dir).sort()).toEqual(['cdktf.out', 'releases.json']);
  }, 60_000);

  test.each([1, 2, 3])('steps killed at random moments (round %i): no lost update, no corruption, nothing left once the next step ran', async (round) => {
    const dir = project();
    const runs = Array.from({ length: 12 }, (_, i) => approve(dir, `4.${round}.${i}`, `job-${i}`));
    // About half are killed, each after a random delay: before, while or after it holds the lock.
    const killed = new Set<string>();
    for (const r of runs) {
      if (Math.random() < 0.5) {
        const delay = Math.floor(Math.random() * 900);
        setTimeout(() => { killed.add(r.version); r.child.kill('SIGKILL'); }, delay);
      }
    }
    const results = await Promise.all(runs.map((r) => r.done));
    const succeeded = runs.filter((_, i) => results[i].code === 0).map((r) => r.version);
    // Whatever was killed, the ledger reads, and every reported success is in it.
    const after = approvals(dir);
    for (const v of succeeded) expect(after).toContain(v);
    // A step killed after its rename is in the ledger without having said so; nothing else is.
    for (const v of after) expect(succeeded.includes(v) || killed.has(v)).toBe(true);
    // The next step: a lock left by a killed step is stale (its process is gone) and broken on request,
    // and the temporary files of killed steps are swept.
    const next = cli(dir, ['approve', 'api', `4.${round}.99`, '--tier', 'dev', '--by', 'next', '--break-lock']);
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    expect(approvals(dir)).toContain(`4.${round}.99`);
    expect(fs.readdirSync(dir).sort()).toEqual(['cdktf.out', 'releases.json']);
  }, 60_000);

  test('a stale lock without --break-lock is reported with its holder and how to break it; nothing is written', () => {
    const dir = project();
    const before = fs.readFileSync(path.join(dir, 'releases.json'));
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    fs.writeFileSync(path.join(dir, 'releases.json.lock'), JSON.stringify({ pid: Number(gone), host: require('os').hostname(), started: '2026-12-01T10:00:00.000Z', command: 'switchyard stage api 9.9.9' }));
    const r = cli(dir, ['switch', 'api', '--tier', 'dev', '--by', 'ana']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^\[releases\.json\] the release ledger "releases\.json" is locked by process \d+ on .* \(switchyard stage api 9\.9\.9\), since 2026-12-01T10:00:00\.000Z, and the lock is stale \(process \d+ on this machine is gone\): if no step is running on it, run the command again with --break-lock/m);
    expect(fs.readFileSync(path.join(dir, 'releases.json')).equals(before)).toBe(true);
  });

  test('a full disk (a file-size limit below the new ledger): the step fails with the reason, the ledger stays as it was, no file is left', () => {
    const dir = project();
    const file = path.join(dir, 'releases.json');
    const before = fs.readFileSync(file);
    expect(before.length).toBeGreaterThan(4096);
    // 4 blocks of 1024 bytes: the old code wrote a truncated ledger here, renamed it into place and exited 0.
    const r = cli(dir, ['approve', 'api', '5.0.0', '--tier', 'dev', '--by', 'ana'], 'ulimit -f 4');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^\[releases\.json\] the release ledger "releases\.json" cannot be written: the ledger was left as it was; free disk space or check the folder and its limits, then run the command again \(EFBIG: file too large, write\)/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['cdktf.out', 'releases.json']);
  });
});
