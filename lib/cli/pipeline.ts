/**
 * `switchyard pipeline github|gitlab`: CI pipelines generated from the
 * delivery model. Plans on pull (merge) requests, deploys the tiers in
 * promotion order on the main branch, and checks every tier for drift on a
 * schedule. The generator functions are pure: same model, same bytes.
 *
 * This module is the command. The order of tiers and stacks (pipeline/order.ts), each dialect
 * (pipeline/github.ts, pipeline/gitlab.ts) and the writing of the files (pipeline/write.ts) are
 * modules of their own, re-exported here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fail } from '../private/errors';
import { FlagSpec, parseArgs } from './args';
import { CliIo, Command, refusing, UsageError } from './io';
import { DEFAULT_MODEL as DEFAULT_MODEL_PATH, readModel } from './model-file';
import { DEFAULT_OUT, PipelineOptions, Provider, PROVIDERS, regenerate, settings } from './pipeline/common';
import { githubWorkflows } from './pipeline/github';
import { gitlabPipeline } from './pipeline/gitlab';
import { checkGenerated, writeGenerated } from './pipeline/write';

export { DEFAULT_OUT, GENERATED_MARK, GeneratedFile, PipelineOptions, Provider, PROVIDERS } from './pipeline/common';
export { githubWorkflows, PINNED_ACTIONS } from './pipeline/github';
export { gitlabPipeline } from './pipeline/gitlab';
export { TierDeployment, tierDeployments } from './pipeline/order';
export { CheckResult, checkGenerated, WriteResult, writeGenerated } from './pipeline/write';

/** The output folder of `cdktf synth`, from cdktf.json when it says. */
function cdktfOutput(cwd: string): string {
  try {
    const config = JSON.parse(fs.readFileSync(path.join(cwd, 'cdktf.json'), 'utf8')) as { output?: unknown };
    return typeof config.output === 'string' && config.output !== '' ? config.output : 'cdktf.out';
  } catch {
    return 'cdktf.out';
  }
}

/** An output folder as the files name it: relative to the project, with forward slashes. */
function shownOut(cwd: string, out: string): string {
  const relative = path.isAbsolute(out) ? path.relative(cwd, out) : out;
  const normal = path.posix.normalize(relative.split(path.sep).join('/')).replace(/(.)\/+$/, '$1');
  return normal === '' ? '.' : normal;
}

export const name = 'pipeline';
export const usage = 'pipeline github|gitlab [--out DIR] [--model PATH] [--branch NAME] [--image REF] [--check]';
export const flags: FlagSpec = { out: 'string', model: 'string', branch: 'string', image: 'string', check: 'boolean' };
const USAGE = `usage: switchyard ${usage}`;

/**
 * `switchyard pipeline <provider> [--out DIR] [--model PATH] [--branch NAME] [--image REF] [--check]`:
 * writes the CI pipeline of the program's delivery model; with `--check`, writes nothing and
 * exits 1 when a committed file differs from what the model gives now.
 */
export const pipelineCommand: Command = refusing((args: string[], io: CliIo): number => {
  const parsed = parseArgs(args, flags, 1);
  const provider = parsed.positionals[0];
  if (provider === undefined) throw new UsageError(`a provider is required (${USAGE})`);
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    fail('switchyard pipeline', 'provider %v is not known', provider, `use one of ${PROVIDERS.join(', ')} (e.g. switchyard pipeline github)`);
  }
  const modelPath = (parsed.flags.model as string | undefined) ?? DEFAULT_MODEL_PATH;
  const branch = parsed.flags.branch as string | undefined;
  if (branch !== undefined && !/^[A-Za-z0-9._/-]+$/.test(branch)) {
    fail('--branch', 'branch %v is not a plain branch name', branch, 'use letters, digits, ".", "_", "-" and "/" (e.g. main)');
  }
  const image = parsed.flags.image as string | undefined;
  if (image !== undefined && provider !== 'gitlab') {
    fail('--image', 'option --image sets the container image of GitLab jobs, not of %v', provider, 'leave it out (GitHub jobs run on ubuntu-latest), or use it with switchyard pipeline gitlab');
  }
  if (image !== undefined && !/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[0-9a-f]{64})?$/.test(image)) {
    fail('--image', 'image %v is not an image reference', image, 'use a name, tag and digest such as node:20-bookworm@sha256:<64 hex digits>');
  }
  const out = shownOut(io.cwd, (parsed.flags.out as string | undefined) ?? DEFAULT_OUT[provider as Provider]);
  const model = readModel(io.cwd, modelPath);
  const options: PipelineOptions = { modelPath, branch, cdktfOut: cdktfOutput(io.cwd), outDir: out, image };
  const files = provider === 'github' ? githubWorkflows(model, options) : gitlabPipeline(model, options);
  const shown = (f: string) => path.posix.join(out, f);
  if (parsed.flags.check === true) {
    const results = checkGenerated(path.resolve(io.cwd, out), files);
    const again = regenerate(settings(provider as Provider, options));
    for (const r of results) {
      if (r.status === 'current') io.out(`current ${shown(r.path)}`);
      else io.err(`[${shown(r.path)}] ${r.status === 'missing' ? 'is missing' : 'differs from what the delivery model gives now'}: regenerate with \`${again}\` and commit the result`);
    }
    return results.every((r) => r.status === 'current') ? 0 : 1;
  }
  for (const r of writeGenerated(path.resolve(io.cwd, out), files, out)) {
    io.out(`${r.status === 'written' ? 'wrote' : 'unchanged'} ${shown(r.path)}`);
  }
  for (const t of model.tiers) {
    const local = model.stacks.filter((x) => x.tier === t.name && x.backend === 'local').map((x) => x.name);
    if (local.length > 0) {
      io.err(`warning: tier "${t.name}" keeps the state of ${local.join(', ')} in local files, which a CI job loses when it ends: give the tier a remote backend (Backend.s3 or Backend.hcp) before deploying from CI`);
    }
  }
  return 0;
});

/** Writes (or, with `--check`, checks) the CI pipeline of the delivery model. */
export const run: Command = pipelineCommand;
