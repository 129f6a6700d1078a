/**
 * `switchyard rollout`: walks a staged version through the service's steps
 * (default 5, 25, 50, 100% of the traffic). Each step records the weight in
 * the ledger, runs the deploy command, waits the step's interval and analyzes
 * the canary in Prometheus: a pass goes on and, after 100%, ends in a switch;
 * a failure sets the weight back to 0 (an `abort` with the measured values and
 * the reason), deploys, and exits 1; too little traffic is analyzed again, up
 * to --retries times, then the rollout stops where it is (exit 2; run it again
 * to go on). Every step is in the ledger's history.
 */
import { spawn } from 'child_process';
import { ConfigurationError, fail } from '../private/errors';
import { Analysis, durationSeconds } from '../release/analysis';
import { AnalysisRecord, otherSlot, versionIn } from '../release/ledger';
import * as ops from '../release/ledger-ops';
import { FlagSpec, parseArgs, requireFlag } from './args';
import { NO_VERDICT, prepare, report, runAnalysis, Subject } from './analysis-run';
import { CliIo, Command, UsageError } from './io';
import { PrometheusError } from './prometheus';
import { checkSmoke } from './smoke-check';
import { applyStep, Context, flag, Outcome, STEP_FLAGS, whoTakesSteps } from './step';

export const name = 'rollout';
export const usage = 'rollout <service> --tier TIER --prometheus URL --deploy COMMAND [--by NAME] [--window DURATION] [--interval DURATION] [--retries N] [--verify-smoke] [--context NAME]';
/** Its exit code for a refused command line: 2 is a verdict (inconclusive). */
export const usageExit = NO_VERDICT;
export const flags: FlagSpec = {
  ...STEP_FLAGS, prometheus: 'string', deploy: 'string', window: 'string', interval: 'string', retries: 'string', 'verify-smoke': 'boolean', context: 'string',
};

/** The ledger's record of an analysis. */
function record(s: Subject, a: Analysis): AnalysisRecord {
  return { verdict: a.verdict, window: s.analysis.window, version: s.idleVersion, ...a.measured };
}

/** Runs `command` with sh, its output passed on line by line; resolves to its exit code. */
function deploy(io: CliIo, command: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const pass = (stream: NodeJS.ReadableStream, write: (l: string) => void) => {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        for (const l of lines) write(`  | ${l}`);
      });
      stream.on('end', () => { if (rest) write(`  | ${rest}`); });
    };
    pass(child.stdout!, (l) => io.out(l));
    pass(child.stderr!, (l) => io.err(l));
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/** Runs `switchyard rollout`. */
export const run: Command = async (args, io) => {
  try {
    return await rollout(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      for (const line of `switchyard ${name}: ${e.message}\nusage: switchyard ${usage}`.split('\n')) io.err(line);
      return NO_VERDICT;
    }
    if (e instanceof ConfigurationError) {
      io.err(e.message);
      return NO_VERDICT;
    }
    throw e;
  }
};

async function rollout(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args, flags, 1);
  const command = requireFlag(p, 'deploy');
  const by = whoTakesSteps(p);
  const { base, subject: s } = prepare(io, p);
  const intervalText = flag(p, 'interval') ?? s.analysis.stepInterval;
  const interval = durationSeconds(intervalText);
  if (interval === undefined || interval < 1) fail('--interval', 'interval %v is not a duration', intervalText, 'give one number and a unit, at least a second: "30s", "5m"');
  const retriesText = flag(p, 'retries') ?? '2';
  if (!/^\d{1,2}$/.test(retriesText)) fail('--retries', 'retries %v is not a count', retriesText, 'give how many times an inconclusive step is analyzed again, 0 to 99');
  const retries = Number(retriesText);
  if (!s.model.route) {
    fail(`${s.service} in ${s.tier}`, 'service %v has no route, so no weight can send it traffic', s.service, `give it a route, or switch without a canary: switchyard switch ${s.service} --tier ${s.tier}`);
  }
  // No traffic before the smoke tests passed.
  if (s.model.smoke) checkSmoke(io, { service: s.service, tier: s.tier, namespace: s.namespace, slot: s.idle, version: s.idleVersion }, { required: p.flags['verify-smoke'] === true, context: flag(p, 'context') });
  const steps = s.analysis.steps.filter((w) => w > s.release.weight);
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const env = (step: string, weight: number) => ({ SWITCHYARD_SERVICE: s.service, SWITCHYARD_TIER: s.tier, SWITCHYARD_VERSION: s.idleVersion, SWITCHYARD_STEP: step, SWITCHYARD_WEIGHT: String(weight) });
  const take = (what: string, step: (c: Context) => Outcome) => applyStep(io, p, `switchyard rollout ${s.service} (${what})`, by, (c) => {
    // Each step re-reads the ledger: it must still hold the version the rollout started with.
    const r = c.ledger.release(s.tier, s.service);
    if (!r || otherSlot(r.live) !== s.idle || versionIn(r, s.idle) !== s.idleVersion) {
      fail(`${c.ledgerFile}: tiers.${s.tier}.${s.service}`, `the ledger changed under the rollout of %v`, s.idleVersion, 'the rollout stops; check the ledger (switchyard status) and start again');
    }
    return step(c);
  });
  const deployed = async (step: string, weight: number) => {
    io.out(`deploy: ${command}`);
    const code = await deploy(io, command, env(step, weight));
    if (code !== 0) {
      fail('--deploy', `the deploy command exited %v`, code, `the ledger says ${weight}% to ${s.idle} (${s.idleVersion}): fix the deploy and run the rollout again (it goes on from there), or take the traffic back: switchyard abort ${s.service} --tier ${s.tier}`);
    }
  };
  io.out(`rollout of ${s.service} ${s.idleVersion} in ${s.tier}: steps ${steps.map((w) => `${w}%`).join(', ') || '(none left)'}, ${intervalText} each, analysis window ${s.analysis.window}`);

  let passed: Analysis | undefined;
  for (const weight of steps) {
    take(`${weight}%`, (c) => ({ data: ops.setWeight(c.ledger.data, c.ops, { service: s.service, tier: s.tier, percent: weight, by, at: c.at, ...(passed ? { analysis: record(s, passed) } : {}) }), said: '', next: '' }));
    io.out(`step ${weight}%: ${s.idle} (${s.idleVersion}) takes ${weight}% of the traffic`);
    await deployed('weight', weight);
    let a: Analysis | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      io.out(`waiting ${intervalText}`);
      await sleep(interval * 1000);
      try {
        a = await runAnalysis(base, s);
      } catch (e) {
        if (!(e instanceof PrometheusError)) throw e;
        io.err(`no verdict: ${e.message}`);
        a = undefined;
        continue;
      }
      for (const line of report(s, a, weight)) io.out(line);
      if (a.verdict !== 'inconclusive') break;
    }
    if (!a || a.verdict === 'inconclusive') {
      io.out(`rollout holds at ${weight}%: no verdict after ${retries + 1} analyses${a ? ` (${a.reason})` : ''}; run it again to go on, or take the traffic back: switchyard abort ${s.service} --tier ${s.tier}`);
      return 2;
    }
    if (a.verdict === 'fail') {
      const failed = a;
      take('abort', (c) => ({ data: ops.abort(c.ledger.data, c.ops, { service: s.service, tier: s.tier, by, at: c.at, reason: failed.reason, analysis: record(s, failed) }), said: '', next: '' }));
      io.out(`aborted at ${weight}%: ${failed.reason}; ${s.release.live} (${s.liveVersion}) takes all the traffic again`);
      await deployed('abort', 0);
      return 1;
    }
    passed = a;
  }
  const last = passed;
  take('switch', (c) => ({ data: ops.switchLive(c.ledger.data, c.ops, { service: s.service, tier: s.tier, by, at: c.at, ...(last ? { analysis: record(s, last) } : {}) }), said: '', next: '' }));
  io.out(`switched: ${s.idle} (${s.idleVersion}) is live; ${s.release.live} keeps ${s.liveVersion} for a rollback`);
  await deployed('switch', 0);
  return 0;
}
