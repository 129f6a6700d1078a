import * as fs from 'fs';
import * as path from 'path';
// Types only: the model's builder loads cdktf, which a CLI command reading the model does not need.
import type { DeliveryModel } from '../model';
import { fail } from '../private/errors';

/** Where `cdktf synth` writes the delivery model by default (MODEL_FILE in cdktf's output folder). */
export const DEFAULT_MODEL_PATH = path.join('cdktf.out', 'switchyard.json');

/**
 * Reads the delivery model (`switchyard.json`) that every synth writes beside
 * cdktf's manifest, and checks the parts the CLI relies on.
 * @param file the path as the user gave it (named in errors)
 * @param cwd the folder a relative `file` is resolved against
 */
export function readModel(file: string, cwd: string): DeliveryModel {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch {
    return fail(file, 'the delivery model %v cannot be read', file, 'synthesize first (`npx cdktf synth` writes cdktf.out/switchyard.json), or pass --model PATH');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(file, 'the delivery model is not valid JSON: %v', (e as Error).message, 'synthesize again (`npx cdktf synth`) to rewrite it');
  }
  const m = raw as Partial<DeliveryModel>;
  if (!m || typeof m !== 'object' || m.version !== 1 || !Array.isArray(m.tiers) || !Array.isArray(m.stacks) || !Array.isArray(m.apps)) {
    return fail(file, 'the delivery model has version %v, not a version 1 model with tiers, stacks and apps', (m as { version?: unknown } | null)?.version, 'synthesize again with this version of Switchyard (`npx cdktf synth`)');
  }
  for (const [i, t] of m.tiers.entries()) {
    if (typeof t?.name !== 'string' || typeof t.order !== 'number' || typeof t.approvalRequired !== 'boolean' || (t.binding !== 'in-cluster' && t.binding !== 'managed')) {
      fail(`${file}: tiers[${i}]`, 'tier %v lacks a name, order, binding or approvalRequired', t, 'synthesize again (`npx cdktf synth`) to rewrite the model');
    }
  }
  for (const [i, s] of m.stacks.entries()) {
    if (typeof s?.name !== 'string' || typeof s.tier !== 'string' || !Array.isArray(s.dependencies)) {
      fail(`${file}: stacks[${i}]`, 'stack %v lacks a name, tier or dependencies', s, 'synthesize again (`npx cdktf synth`) to rewrite the model');
    }
  }
  return { ...m, tiers: [...m.tiers].sort((a, b) => a.order - b.order) } as DeliveryModel;
}
