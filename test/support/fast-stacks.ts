/**
 * Jest (setupFilesAfterEnv): stack traces recorded on plain objects are formatted without
 * source maps.
 *
 * Jest installs source-map-support in every test file, so formatting any stack trace maps each
 * frame through source maps. cdktf records one (on a plain object, never shown unless a token
 * fails to resolve) for every token it creates, thousands per synth: mapping them was a third of
 * a test's synth. Errors keep their mapped stacks (failures point at the TypeScript lines); a
 * plain object gets the trace Node would give it without source maps.
 */
const mapped = Error.prepareStackTrace;

if (mapped) {
  Error.prepareStackTrace = (target: Error, frames: NodeJS.CallSite[]): unknown => {
    if (target instanceof Error) return mapped(target, frames);
    return frames.length === 0 ? 'Error' : `Error\n    at ${frames.join('\n    at ')}`;
  };
}
