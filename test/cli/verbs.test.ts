/**
 * The CLI's verbs, one module each (lib/cli/<verb>.ts): each exports its name,
 * usage line, flags and run; help is made of them; a command loads its own
 * verb's module only, and never cdktf.
 */
import { CliIo, Verb } from '../../lib/cli/io';
import { main, verb, VERBS } from '../../lib/cli/main';
import { tempDir } from '../helpers';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), cwd: tempDir('switchyard-verbs-'), now: () => new Date('2026-12-01T10:00:00Z') };
  return { code: await main(argv, io), out, err };
}

/** The exit code of `v` for a refused command line. */
const usageExit = (v: string) => (verb(v) as Verb).usageExit ?? 2;

/** Where each verb's module is, relative to this file. */
const moduleOf = (v: string) => `../../lib/cli/${v}`;

test('the verbs, in the order help lists them', () => {
  expect(VERBS).toEqual(['init', 'status', 'stage', 'switch', 'rollback', 'weight', 'approve', 'promote', 'retire', 'abort', 'analyze', 'rollout', 'graph', 'pipeline', 'metrics']);
});

test.each(VERBS.map((v) => [v]))('%s: its module exports its name, usage, flags and run; help prints its usage line', async (v) => {
  const m = verb(v) as Verb;
  expect(m.name).toBe(v);
  expect(m.usage === v || m.usage.startsWith(`${v} `)).toBe(true);
  expect(typeof m.run).toBe('function');
  expect((await run(['help'])).out).toContain(`  switchyard ${m.usage}`);
});

test.each(VERBS.map((v) => [v]))('%s: takes exactly the flags its module exports', async (v) => {
  const { code, out, err } = await run([v, '--no-such-flag']);
  expect([code, out]).toEqual([usageExit(v), []]);
  expect(err[0]).toContain(`unknown option --no-such-flag (known: ${Object.keys((verb(v) as Verb).flags).map((f) => `--${f}`).join(', ')})`);
});

test.each(VERBS.map((v) => [v]))('%s: loads its own module only, and not cdktf', async (v) => {
  const mocked = [...VERBS.filter((o) => o !== v).map(moduleOf), '../../lib/private/cdk'];
  try {
    await jest.isolateModulesAsync(async () => {
      for (const m of mocked) {
        jest.doMock(m, () => {
          throw new Error(`${m} was loaded`);
        });
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = (require('../../lib/cli/main') as typeof import('../../lib/cli/main')).main;
      const err: string[] = [];
      expect(await isolated([v, '--no-such-flag'], { out: () => undefined, err: (l) => err.push(l), cwd: tempDir(), now: () => new Date() })).toBe(usageExit(v));
      expect(err[0]).toContain('unknown option --no-such-flag');
    });
  } finally {
    for (const m of mocked) jest.dontMock(m);
  }
});
