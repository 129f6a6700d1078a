/**
 * What `switchyard analyze` and `switchyard rollout` share: the service, tier
 * and release an analysis looks at, the measurement of both slots in
 * Prometheus, and the lines that report it.
 */
import type { ModelApp, ModelService } from '../model';
import { fail } from '../private/errors';
import { Analysis, analysisTable, analyze, durationSeconds, ResolvedAnalysis } from '../release/analysis';
import { otherSlot, ReleaseLedger, ServiceRelease, Slot, versionIn } from '../release/ledger';
import { ParsedArgs, requireFlag } from './args';
import { CliIo, UsageError } from './io';
import { checkService, checkTier } from './model-file';
import { measureSlot, prometheusUrl } from './prometheus';
import { flag, read } from './step';

/** Exit codes of an analysis. */
export const VERDICT_EXIT = { pass: 0, fail: 1, inconclusive: 2 } as const;
/** Exit code when there is no verdict: the command was refused, or Prometheus did not answer. */
export const NO_VERDICT = 3;

/** What an analysis looks at: the service in the tier, its release and its analysis settings. */
export interface Subject {
  readonly service: string;
  readonly tier: string;
  readonly namespace: string;
  readonly model: ModelService;
  readonly analysis: ResolvedAnalysis;
  readonly release: ServiceRelease;
  readonly idle: Slot;
  readonly idleVersion: string;
  readonly liveVersion: string;
}

/** The service, tier, release and settings of an analysis, or a refusal naming what is missing. */
export function subjectOf(app: ModelApp, ledger: ReleaseLedger, service: string, tier: string, window: string | undefined, files: { model: string; ledger: string }): Subject {
  const model = app.tiers[tier]?.services.find((s) => s.name === service)!;
  if (!model.analysis) {
    fail(`${files.model}: ${app.name}.${tier}.${service}`, 'service %v has no analysis in this tier', service,
      'it needs metrics scraped by Prometheus (metrics not false, KubePrometheusStack on the platform); synthesize again if the program has them');
  }
  const release = ledger.release(tier, service);
  const idle = release ? otherSlot(release.live) : 'green';
  const idleVersion = release ? versionIn(release, idle) : undefined;
  if (!release || !idleVersion || release.retired) {
    fail(`${files.ledger}: tiers.${tier}.${service}`, `there is no staged version to analyze: idle slot ${idle} holds %v${release?.retired ? ' and is retired' : ''}`, idleVersion ?? null,
      `stage one first: switchyard stage ${service} <version> --tier ${tier}`);
  }
  if (window !== undefined && (durationSeconds(window) ?? 0) < 1) fail('--window', 'window %v is not a duration', window, 'give one number and a unit, at least a second: "30s", "5m"');
  return {
    service, tier, namespace: app.tiers[tier].namespace, model, release, idle, idleVersion, liveVersion: versionIn(release, release.live)!,
    analysis: window !== undefined ? { ...model.analysis, window } : model.analysis,
  };
}

/** Measures both slots and judges the idle one. */
export async function runAnalysis(base: string, s: Subject): Promise<Analysis> {
  const at = (slot: Slot, version: string) => ({ namespace: s.namespace, service: s.service, slot, version });
  const [idle, live] = await Promise.all([measureSlot(base, s.analysis, at(s.idle, s.idleVersion)), measureSlot(base, s.analysis, at(s.release.live, s.liveVersion))]);
  return analyze(s.analysis, idle, live);
}

/** The lines that show an analysis: what was measured, the table, the verdict. */
export function report(s: Subject, a: Analysis, weight: number): string[] {
  return [
    `analysis of ${s.service} in ${s.tier}: idle slot ${s.idle} (${s.idleVersion}, ${weight}% of the traffic) against live slot ${s.release.live} (${s.liveVersion}), window ${s.analysis.window}`,
    ...analysisTable(a, `${s.idle} ${s.idleVersion}`, `${s.release.live} ${s.liveVersion}`),
    `verdict: ${a.verdict} (${a.reason})`,
  ];
}

/** The command line, model and ledger of an analysis, checked. */
export function prepare(io: CliIo, p: ParsedArgs): { base: string; subject: Subject } {
  const service = p.positionals[0];
  if (service === undefined) throw new UsageError('missing <service>');
  const tier = requireFlag(p, 'tier');
  const base = prometheusUrl(requireFlag(p, 'prometheus'));
  const { modelFile, ledgerFile, tiers, app, ledger } = read(io, p);
  checkTier(tiers, tier, modelFile, ledgerFile);
  checkService(app, tier, service, modelFile, ledgerFile);
  return { base, subject: subjectOf(app, ledger, service, tier, flag(p, 'window'), { model: modelFile, ledger: ledgerFile }) };
}

