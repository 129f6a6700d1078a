/**
 * `switchyard pipeline`, as the dispatcher lists it: the command itself is
 * lib/cli/pipeline.ts, loaded when the verb runs. (Its split is under way in
 * another branch; these exports then move into its command module.)
 */
import type { FlagSpec } from './args';
import type { Command } from './io';

export const name = 'pipeline';
export const usage = 'pipeline github|gitlab [--out DIR] [--model PATH] [--branch NAME] [--image REF] [--check]';
/** The flags pipeline.ts accepts (a test holds the two lists equal). */
export const flags: FlagSpec = { out: 'string', model: 'string', branch: 'string', image: 'string', check: 'boolean' };

/** Writes (or, with `--check`, checks) the CI pipeline of the delivery model. */
export const run: Command = (args, io) => (require('./pipeline') as typeof import('./pipeline')).pipelineCommand(args, io); // eslint-disable-line @typescript-eslint/no-require-imports
