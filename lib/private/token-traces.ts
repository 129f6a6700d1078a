/**
 * cdktf captures a full stack trace for every token it makes (each attribute
 * reference, each Lazy value) and formats it on the spot, for an error
 * message it almost never prints: a tenth of a synth. The capture is made on
 * a plain object, never on an Error. This hook formats such captures to
 * nothing, so cdktf keeps an empty creation stack; an Error is formatted as
 * before, by the hook that was there (a test runner's) or in Node's own layout.
 * Not installed when Node maps stack traces through source maps, whose
 * formatting a hook would replace.
 */
const INSTALLED = Symbol.for('switchyard.quietTokenTraces');

type Prepare = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** Installs the hook once per process. */
export function quietTokenTraces(): void {
  const current = Error.prepareStackTrace as (Prepare & { [INSTALLED]?: true }) | undefined;
  if (current?.[INSTALLED]) return;
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled || process.execArgv.includes('--enable-source-maps')
    || /--enable-source-maps/.test(process.env.NODE_OPTIONS ?? '')) return;
  const previous = current;
  const hook = Object.assign((error: Error, frames: NodeJS.CallSite[]): unknown => {
    if (!(error instanceof Error)) return '';
    if (previous) return previous(error, frames);
    return Error.prototype.toString.call(error) + frames.map((f) => `\n    at ${f.toString()}`).join('');
  }, { [INSTALLED]: true as const });
  Error.prepareStackTrace = hook;
}
