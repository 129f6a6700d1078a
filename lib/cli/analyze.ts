/**
 * `switchyard analyze`: the idle slot of a service against its thresholds and
 * the live slot, from Prometheus. Exit 0 pass, 1 fail, 2 inconclusive (too
 * little traffic), 3 no verdict (a refused command line, Prometheus not
 * reachable).
 */
import { ConfigurationError } from '../private/errors';
import { NO_VERDICT, prepare, report, runAnalysis, VERDICT_EXIT } from './analysis-run';
import { FlagSpec, parseArgs } from './args';
import { Command, UsageError } from './io';
import { PrometheusError } from './prometheus';
import { COMMON_FLAGS } from './step';

export const name = 'analyze';
export const usage = 'analyze <service> --tier TIER --prometheus URL [--window DURATION]';
/** Its exit code for a refused command line: 2 is a verdict (inconclusive). */
export const usageExit = NO_VERDICT;
export const flags: FlagSpec = { ...COMMON_FLAGS, tier: 'string', prometheus: 'string', window: 'string' };

/** Runs `switchyard analyze`. */
export const run: Command = async (args, io) => {
  try {
    const p = parseArgs(args, flags, 1);
    const { base, subject } = prepare(io, p);
    const a = await runAnalysis(base, subject);
    for (const line of report(subject, a, subject.release.weight)) io.out(line);
    return VERDICT_EXIT[a.verdict];
  } catch (e) {
    if (e instanceof UsageError) {
      for (const line of `switchyard ${name}: ${e.message}\nusage: switchyard ${usage}`.split('\n')) io.err(line);
      return NO_VERDICT;
    }
    if (e instanceof ConfigurationError) {
      io.err(e.message);
      return NO_VERDICT;
    }
    if (e instanceof PrometheusError) {
      io.err(`switchyard analyze: no verdict: ${e.message}`);
      return NO_VERDICT;
    }
    throw e;
  }
};
