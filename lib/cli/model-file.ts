/**
 * The delivery model (`switchyard.json`, written beside cdktf's manifest at
 * every synth) as the CLI reads it: the tiers with their rules, each app's
 * stacks and services per tier. Only types come from lib/model.ts, so the CLI
 * never loads cdktf.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { DeliveryModel, ModelApp } from '../model';
import { CDKTF_CLI } from '../private/cdk-cli';
import { fail } from '../private/errors';
import { Profiles } from '../tier/profile';
import { PRINCIPAL_ARN, Tier, Tiers } from '../tier/tier';

/** Where `npm run synth` (cdktf synth) writes the model, relative to the project folder. */
export const DEFAULT_MODEL = path.join('cdktf.out', 'switchyard.json');

const SYNTH_FIRST = `run \`npm run synth\` (or \`${CDKTF_CLI} synth\`) first: synth writes the model beside ${CDKTF_CLI}'s manifest; or pass --model PATH`;
const SYNTH_AGAIN = `run \`npm run synth\` (or \`${CDKTF_CLI} synth\`) again to rewrite it`;

/** Reads and checks the model at `file` (as the user gave it, resolved against `cwd`). */
export function readModel(cwd: string, file: string): DeliveryModel {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') fail(file, 'the delivery model does not exist (%v)', full, SYNTH_FIRST);
    return fail(file, 'the delivery model cannot be read: %v', (e as Error).message, 'check the path and its permissions (--model PATH)');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(file, 'the delivery model is not valid JSON: %v', (e as Error).message, SYNTH_AGAIN);
  }
  const m = raw as Partial<DeliveryModel> | null;
  if (!m || typeof m !== 'object' || m.version !== 1) {
    fail(`${file}: version`, 'model version %v is not supported', m && typeof m === 'object' ? m.version : m, `this switchyard reads version 1: ${SYNTH_AGAIN} with this version of switchyard`);
  }
  if (!Array.isArray(m.tiers) || m.tiers.length === 0) fail(`${file}: tiers`, 'the model lists no tiers: %v', m.tiers, SYNTH_AGAIN);
  m.tiers.forEach((t, i) => {
    if (!t || typeof t.name !== 'string' || !Number.isInteger(t.order) || typeof t.approvalRequired !== 'boolean' || (t.binding !== 'in-cluster' && t.binding !== 'managed')) {
      fail(`${file}: tiers[${i}]`, 'tier %v lacks a name, an order, a binding or approvalRequired', t, SYNTH_AGAIN);
    }
    // Written into generated pipelines: only an IAM ARN passes.
    for (const key of ['deployRole', 'planRole'] as const) {
      if (t[key] !== undefined && (typeof t[key] !== 'string' || !PRINCIPAL_ARN.test(t[key]))) {
        fail(`${file}: tiers[${i}].${key}`, `${key} %v is not an IAM role ARN`, t[key], SYNTH_AGAIN);
      }
    }
  });
  if (!Array.isArray(m.stacks)) fail(`${file}: stacks`, 'the model lists no stacks: %v', m.stacks, SYNTH_AGAIN);
  m.stacks.forEach((s, i) => {
    if (!s || typeof s.name !== 'string' || typeof s.tier !== 'string' || !Array.isArray(s.dependencies)) {
      fail(`${file}: stacks[${i}]`, 'stack %v lacks a name, tier or dependencies', s, SYNTH_AGAIN);
    }
  });
  if (!Array.isArray(m.apps)) fail(`${file}: apps`, 'the model lists no apps: %v', m.apps, SYNTH_AGAIN);
  m.apps.forEach((a, i) => {
    if (!a || typeof a.name !== 'string' || !a.tiers || typeof a.tiers !== 'object'
      || Object.values(a.tiers).some((t) => !t || typeof t.stack !== 'string' || !Array.isArray(t.services))) {
      fail(`${file}: apps[${i}]`, 'app %v lacks a name, or a stack and services per tier', a?.name ?? a, SYNTH_AGAIN);
    }
  });
  return { ...m, tiers: [...m.tiers].sort((a, b) => a.order - b.order) } as DeliveryModel;
}

/**
 * The model's tiers as `Tiers`, so `ReleaseLedger` applies the same rules as
 * synth: the promotion order, `approvalRequired`, the binding and
 * `highAvailability` come from the model; the rest of the profile, which the
 * model does not carry (sizes, backups, retention), is the built-in one of
 * the tier's binding (dev's in the cluster, staging's for managed services)
 * and matters to no command. The one reading of the model's tiers for every
 * command.
 */
export function tiersOf(model: DeliveryModel): Tiers {
  return new Tiers(model.tiers.map((t) => Tier.custom(t.name, t.order, t.binding === 'managed' ? Profiles.staging : Profiles.dev, {
    overrides: { binding: t.binding, approvalRequired: t.approvalRequired, highAvailability: t.highAvailability },
  })));
}

/** The model's app the ledger belongs to; refuses a ledger of an app the model does not have. */
export function appOf(model: DeliveryModel, app: string, modelFile: string, ledgerFile: string): ModelApp {
  const found = model.apps.find((a) => a.name === app);
  if (!found) {
    const apps = model.apps.map((a) => `"${a.name}" (${a.ledger})`).join(', ');
    fail(`${ledgerFile}: app`, `app %v is not an app of the delivery model ${modelFile}`, app,
      model.apps.length
        ? `pass the ledger of one of its apps with --ledger: ${apps}; or, if the app is new, run \`npm run synth\` first`
        : 'the model has no app: declare one (an AppStack) and run `npm run synth`');
  }
  return found;
}

/** Refuses a tier the model does not have. */
export function checkTier(tiers: Tiers, tier: string, modelFile: string, ledgerFile: string): void {
  if (!tiers.has(tier)) fail(`${ledgerFile}: tiers`, 'tier %v is not known', tier, `use one of ${tiers.names.join(', ')} (the tiers of ${modelFile})`);
}

/**
 * Refuses a service the app does not declare: where the app has a stack in
 * the tier, the service must be one of that stack's (synth refuses the
 * ledger otherwise); where it has none, one of any tier's.
 */
export function checkService(app: ModelApp, tier: string, service: string, modelFile: string, ledgerFile: string): void {
  const where = `${ledgerFile}: tiers.${tier}.${service}`;
  const inTier = app.tiers[tier]?.services.map((s) => s.name);
  const declared = inTier ?? [...new Set(Object.values(app.tiers).flatMap((t) => t.services.map((s) => s.name)))].sort();
  if (!declared.includes(service)) {
    fail(where, `service %v is not declared by app "${app.name}" ${inTier ? `in tier "${tier}"` : 'in any tier'} (${modelFile})`, service,
      `${declared.length ? `use one of ${declared.join(', ')}` : 'the app declares no service'}; or declare it (a BlueGreenService) and run \`npm run synth\``);
  }
}

/**
 * The command that deploys the app's stack of `tier`: a ledger step changes
 * that stack only, so it deploys alone (cdktf refuses a stack without the
 * stacks it depends on unless told that they are deployed already).
 */
export function deployCommand(app: ModelApp, tier: string): string {
  const stack = app.tiers[tier]?.stack;
  return stack
    ? `npx ${CDKTF_CLI} deploy ${stack} --ignore-missing-stack-dependencies`
    : `npm run synth  # app "${app.name}" has no stack in tier "${tier}": add the tier to the program to deploy it`;
}
