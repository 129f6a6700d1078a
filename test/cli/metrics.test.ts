import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DeliveryModel } from '../../lib/exports/model';
import { parseSince, run as metricsCommand } from '../../lib/cli/metrics';
import { errorOf, tempDir } from '../helpers';
import { captureIo } from './capture-io';

const SHOP_LEDGER = path.join(__dirname, '../../examples/shop/releases.json');
const NOW = new Date('2026-11-23T12:00:00Z');

const model = (apps: DeliveryModel['apps']): DeliveryModel => ({
  version: 1,
  tiers: [
    { name: 'dev', order: 10, binding: 'in-cluster', approvalRequired: false, highAvailability: false },
    { name: 'staging', order: 20, binding: 'managed', approvalRequired: false, highAvailability: false },
    { name: 'prod', order: 30, binding: 'managed', approvalRequired: true, highAvailability: true },
  ],
  stacks: [],
  apps,
});

/** A project folder: the shop's ledger (or `ledger`) and a model that names it. */
function project(ledger?: unknown): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'examples/shop'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'examples/shop/releases.json'), ledger === undefined ? fs.readFileSync(SHOP_LEDGER) : JSON.stringify(ledger));
  fs.mkdirSync(path.join(dir, 'cdktf.out'));
  fs.writeFileSync(path.join(dir, 'cdktf.out/switchyard.json'), JSON.stringify(model([{ name: 'shop', ledger: 'examples/shop/releases.json', tiers: {} }])));
  return dir;
}

function run(args: string[], dir = project()) {
  const io = captureIo(dir, NOW);
  const code = metricsCommand(args, io);
  return { code, out: io.stdout, err: io.stderr, dir };
}

/** `switchyard metrics ARGS` in a process of its own, from the project folder. */
function runProcess(args: string[], dir = project(), env: Record<string, string> = {}) {
  const root = path.join(__dirname, '../..');
  const r = spawnSync(process.execPath, ['--require', path.join(root, 'examples/register.js'), path.join(root, 'lib/cli/main.ts'), 'metrics', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout.replace(/\n$/, '').split('\n'), err: r.stderr, dir };
}

describe('switchyard metrics', () => {
  test('prints a table of the four metrics per tier and service of the main example, with their bands', () => {
    const { code, out } = run([]);
    expect(code).toBe(0);
    expect(out).toEqual([
      'DORA metrics of shop until 2026-11-23 12:00 UTC, each row from its service\'s first event in the tier; bands: Accelerate State of DevOps Report 2023 (DORA)',
      '',
      'tier     service  from        days  deployments  frequency         lead time (median)  change failure rate  recovery (median)',
      'dev      api      2026-10-26  28.1  6            1.49/week high    1 h elite           0% (0/6) elite       n/a',
      'dev      worker   2026-11-03  20.1  1            0.34/week medium  58 min elite        0% (0/1) elite       n/a',
      'staging  api      2026-10-27  27.1  5            1.29/week high    20 h 10 min elite   0% (0/5) elite       n/a',
      'staging  worker   2026-11-04  19.1  1            0.36/week medium  1 d high            0% (0/1) elite       n/a',
      'prod     api      2026-10-27  26.9  4            1.04/week high    2 d 1 h high        25% (1/4) medium     35 min elite',
      'prod     worker   2026-11-06  16.9  1            0.41/week medium  3 d 6 h high        0% (0/1) elite       n/a',
    ]);
  });

  test('--until fixes the end of the window: the same figures whatever the clock says', () => {
    const fixed = run(['--until', '2026-11-23T12:00:00Z']).out;
    expect(fixed).toEqual(run([]).out);
    const io = captureIo(project(), new Date('2027-03-01T00:00:00Z'));
    expect(metricsCommand(['--until', '2026-11-23T12:00:00Z'], io)).toBe(0);
    expect(io.stdout).toEqual(fixed);
    // Without it, the window runs to the clock: three months later, the same ledger reads slower.
    const later = captureIo(project(), new Date('2027-03-01T00:00:00Z'));
    metricsCommand([], later);
    expect(later.stdout[3]).toMatch(/^dev +api +2026-10-26 +125\.6 +6 +0\.33\/week medium/);
    // An earlier --until leaves out what came after it: prod's rollback of 1.3.0 (2 Nov) is not known on 1 Nov.
    const early = run(['--until', '2026-11-01', '--tier', 'prod', '--format', 'json']);
    expect(JSON.parse(early.out.join('\n')).services.map((s: { deployments: number; changeFailureRate: { failed: number } }) => [s.deployments, s.changeFailureRate.failed]))
      .toEqual([[2, 0], [0, 0]]);
  });

  test('--format json gives the figures in milliseconds and rates, "n/a" as null; --tier and --since narrow it', () => {
    const { code, out } = run(['--format', 'json', '--tier', 'prod', '--since', '2026-11-01']);
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n'));
    expect(report.window).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-23T12:00:00.000Z', days: 22.5 });
    expect(report.services.map((s: { tier: string; service: string }) => `${s.tier}/${s.service}`)).toEqual(['prod/api', 'prod/worker']);
    const [prod] = report.services;
    expect(prod.deployments).toBe(2);
    expect(prod.changeFailureRate).toEqual({ value: 0.5, band: 'low', failed: 1 });
    expect(prod.recoveryTime).toEqual({ value: 35 * 60_000, band: 'elite', samples: 1 });
    expect(prod.events.map((e: { version: string; failed: boolean }) => [e.version, e.failed])).toEqual([['1.3.0', true], ['1.4.0', false]]);
  });

  test('says n/a where an empty ledger has nothing to measure', () => {
    const { code, out } = run([], project({ app: 'shop', tiers: { dev: { api: { blue: '1.0.0', live: 'blue', history: [] } } } }));
    expect(code).toBe(0);
    expect(out[0]).toBe('DORA metrics of shop: the ledger has no events until 2026-11-23 12:00 UTC');
    expect(out[3]).toBe('dev   api      n/a   n/a   0            n/a        n/a                 n/a                  n/a');
  });

  test('--svg draws the metrics over time as SVG, with a series per tier', () => {
    // As users run it, in a process of its own: Vega is an ES module that a jest worker cannot import.
    const { code, out, dir } = runProcess(['--until', NOW.toISOString(), '--svg', 'docs/dora.svg']);
    expect(code).toBe(0);
    expect(out.at(-1)).toBe('wrote docs/dora.svg');
    const svg = fs.readFileSync(path.join(dir, 'docs/dora.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg);
    expect(doc.svg['@_xmlns']).toBe('http://www.w3.org/2000/svg');
    const labels = [...svg.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]);
    // One lead-time point per deployment (6 + 5 + 4), each naming its tier (a line repeats its first point's label).
    const leadPoints = new Set(labels.filter((l) => /^switched: .*; hours: .*; tier: (dev|staging|prod); service: api$/.test(l)));
    expect(leadPoints.size).toBe(15);
    // ... and the worker's three (one per tier), and the rollback.
    expect(svg.match(/aria-roledescription="point"/g)!.length).toBe(15 + 3 + 1);
    expect(labels).toContain('switched: 05 Nov; hours: 80; tier: prod; service: api');
    expect(labels).toContain('week (from Sunday): 01 Nov; deployments: 3; tier: prod'); // two of api, one of worker
    // The change failure rate per tier and week: prod's week of 1 Nov had 3 deployments, one rolled back.
    expect(labels.filter((l) => l.startsWith('change failure rate of '))).toEqual([
      'change failure rate of dev, week from 25 Oct: 0% (0/4)',
      'change failure rate of dev, week from 01 Nov: 0% (0/2)',
      'change failure rate of dev, week from 15 Nov: 0% (0/1)',
      'change failure rate of staging, week from 25 Oct: 0% (0/4)',
      'change failure rate of staging, week from 01 Nov: 0% (0/2)',
      'change failure rate of prod, week from 25 Oct: 0% (0/2)',
      'change failure rate of prod, week from 01 Nov: 33% (1/3)',
    ]);
    for (const text of ['DORA metrics of shop', 'Deployments per week', 'Lead time for changes (commit to live)', 'Change failure rate per week (rolled back / deployed)',
      'Failed deployments: time to rollback', '1.3.0 (35 min)', '33% (1/3)', 'staging']) {
      expect(svg).toContain(`>${text}<`);
    }
    // The same ledger and clock draw the same bytes, in any time zone.
    expect(fs.readFileSync(path.join(runProcess(['--until', NOW.toISOString(), '--svg', 'again.svg'], project(), { TZ: 'Pacific/Auckland' }).dir, 'again.svg'), 'utf8')).toBe(svg);
  });

  test('loads the charting code only for --svg', () => {
    jest.isolateModules(() => {
      jest.doMock('../../lib/cli/chart', () => {
        throw new Error('the chart module was loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { run: isolated } = require('../../lib/cli/metrics') as typeof import('../../lib/cli/metrics');
      expect(isolated([], captureIo(project(), NOW))).toBe(0);
      expect(() => isolated(['--svg', 'x.svg'], captureIo(project(), NOW))).toThrow('the chart module was loaded');
    });
  });

  test('the CLI commands load neither cdktf nor the constructs (a command starts in milliseconds)', () => {
    jest.isolateModules(() => {
      jest.doMock('../../lib/private/cdk', () => {
        throw new Error('cdktf was loaded');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { run: isolated } = require('../../lib/cli/metrics') as typeof import('../../lib/cli/metrics');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(typeof (require('../../lib/cli/pipeline') as typeof import('../../lib/cli/pipeline')).pipelineCommand).toBe('function');
      expect(isolated(['--format', 'json'], captureIo(project(), NOW))).toBe(0);
    });
  });

  const outOfOrder = {
    app: 'shop',
    tiers: { dev: { api: { blue: '1.0.0', live: 'blue', history: [
      { at: '2026-11-02T10:00:00Z', verb: 'stage', version: '1.0.0', slot: 'blue' },
      { at: '2026-11-02T09:00:00Z', verb: 'switch', version: '1.0.0', slot: 'blue' },
    ] } } },
  };

  test.each<[string, string[], unknown, string]>([
    ['a history out of time order', [], outOfOrder,
      '[examples/shop/releases.json: tiers.dev.api.history[1]] event "switch 1.0.0" at "2026-11-02T09:00:00Z" comes before the event above it, history[0] "stage 1.0.0" at "2026-11-02T10:00:00Z": keep tier "dev", service "api" in time order: fix the time, or move the event after the one it follows'],
    ['--since in the future', ['--since', '2026-12-01'], undefined,
      '[--since] date "2026-12-01T00:00:00.000Z" is in the future (now is 2026-11-23T12:00:00.000Z): give a start date before now, or leave --since out to start each row at its service\'s first event in the tier'],
    ['--since after --until', ['--since', '2026-11-10', '--until', '2026-11-05'], undefined,
      '[--since] date "2026-11-10T00:00:00.000Z" is after the end of the window (2026-11-05T00:00:00.000Z): give a start date before the end (--until, else now)'],
    ['--until that is not a date', ['--until', 'tomorrow'], undefined,
      '[--until] date "tomorrow" is not a date: use a day such as 2026-11-01 or an ISO 8601 time such as 2026-11-01T09:00:00Z'],
    ['--since that is not a date', ['--since', 'last week'], undefined,
      '[--since] date "last week" is not a date: use a day such as 2026-11-01 or an ISO 8601 time such as 2026-11-01T09:00:00Z'],
    ['an unknown tier', ['--tier', 'qa'], undefined,
      '[--tier] tier "qa" is not known: use one of dev, staging, prod'],
    ['an unknown format', ['--format', 'csv'], undefined,
      '[--format] format "csv" is not known: use table or json'],
    ['a ledger that breaks the promotion rules', [], { app: 'shop', tiers: { staging: { api: { blue: '1.0.0', live: 'blue' } } } },
      '[examples/shop/releases.json: tiers.staging.api.blue] version "1.0.0" was never live in tier "dev": release it in "dev" first (stage, then switch), then promote it to "staging"'],
    ['a missing ledger', ['--ledger', 'nowhere.json'], undefined,
      '[nowhere.json] the release ledger "nowhere.json" cannot be read (ENOENT): pass the right path with --ledger (the model names it relative to the folder the synth ran in)'],
  ])('refuses %s (exit 1)', (_what, args, ledger, message) => {
    const { code, out, err } = run(args, project(ledger));
    expect(code).toBe(1);
    expect(err).toEqual([message]);
    expect(out).toEqual([]);
  });

  test('asks for --ledger when the model has several apps', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'cdktf.out/switchyard.json'), JSON.stringify(model([
      { name: 'shop', ledger: 'shop/releases.json', tiers: {} }, { name: 'blog', ledger: 'blog/releases.json', tiers: {} },
    ])));
    expect(run([], dir).err).toEqual(['[cdktf.out/switchyard.json] the delivery model has several apps: ["shop","blog"]: pass the ledger of one: --ledger shop/releases.json or --ledger blog/releases.json']);
    expect(run(['--ledger', 'examples/shop/releases.json'], dir).code).toBe(0);
  });

  test('parseSince reads a day as midnight UTC and an ISO time with its zone', () => {
    expect(parseSince('2026-11-01').toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(parseSince('2026-11-01T09:00:00+02:00').toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(errorOf(() => parseSince('2026-13-45'))).toMatch(/^\[--since\] date "2026-13-45" is not a date/);
  });
});
