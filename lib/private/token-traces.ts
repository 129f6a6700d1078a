import { types } from 'util';

/**
 * cdktf captures a full stack trace for every token it makes (each attribute
 * reference, each Lazy value) and formats it on the spot, for an error
 * message it almost never prints: a tenth of a synth. It captures on an
 * object of its own shape, a plain object whose only property is `stack`.
 * This hook formats such captures to nothing, so cdktf keeps an empty
 * creation stack. Everything else (an Error of any realm, `console.trace`,
 * another library's capture) is formatted as before: by the hook that was
 * there (a test runner's) or in Node's own layout. Not installed when Node
 * maps stack traces through source maps, whose formatting a hook would
 * replace.
 *
 * `Error.prepareStackTrace` is process-wide, so nothing in the library
 * installs it on import or construction: the runner does (`--require` of the
 * register entry), a choice made on the program's command line, and
 * `restoreTokenTraces()` puts back what was there.
 */
const INSTALLED = Symbol.for('switchyard.quietTokenTraces');
const PREVIOUS = Symbol.for('switchyard.quietTokenTraces.previous');

type Prepare = (error: Error, frames: NodeJS.CallSite[]) => unknown;

/** True for cdktf's capture: `{ stack: "" }`, nothing else. */
function isTokenCapture(target: object): boolean {
  if (types.isNativeError(target) || Object.getPrototypeOf(target) !== Object.prototype) return false;
  const own = Object.getOwnPropertyNames(target);
  return own.length === 1 && own[0] === 'stack';
}

/** Installs the hook (once: a second call does nothing). */
export function quietTokenTraces(): void {
  const current = Error.prepareStackTrace as (Prepare & { [INSTALLED]?: true }) | undefined;
  if (current?.[INSTALLED]) return;
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled || process.execArgv.includes('--enable-source-maps')
    || /--enable-source-maps/.test(process.env.NODE_OPTIONS ?? '')) return;
  const previous = current;
  const hook = Object.assign((target: Error, frames: NodeJS.CallSite[]): unknown => {
    if (isTokenCapture(target)) return '';
    if (previous) return previous(target, frames);
    return Error.prototype.toString.call(target) + frames.map((f) => `\n    at ${f.toString()}`).join('');
  }, { [INSTALLED]: true as const, [PREVIOUS]: previous });
  Error.prepareStackTrace = hook;
}

/** Removes the hook if it is the one in place, putting back the hook that was there before it. */
export function restoreTokenTraces(): void {
  const current = Error.prepareStackTrace as (Prepare & { [INSTALLED]?: true; [PREVIOUS]?: Prepare }) | undefined;
  if (current?.[INSTALLED]) Error.prepareStackTrace = current[PREVIOUS] as typeof Error.prepareStackTrace;
}
