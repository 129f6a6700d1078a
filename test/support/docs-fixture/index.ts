// A fixture of test/docs.test.ts: one documentation gap of each kind the check finds. Line numbers are asserted.
/** Not exported by the index. */
interface Hidden {
  /** A field. */
  readonly x: number;
}

/** Properties of Gaps. */
export interface GapsProps {
  /** Documented and required: fine. */ readonly fine: string;
  readonly quiet: string;
  /** Optional without a default. */
  readonly noDefault?: number;
  /** An inline type. @default - none */
  readonly inline?: { readonly deep?: boolean };
  /** A type the index does not export. @default - none */
  readonly hidden?: Hidden;
  /** Not public. @internal */
  readonly _internal?: number;
}

/** A class with gaps. */
export class Gaps {
  /** Documented. */
  public readonly documented = 1;
  /** A member of the implementation. @internal */
  public readonly _tagged = 2;
  public readonly bare = 3;
  private readonly hiddenField = 4;
  public readonly _secret = 5;
  /** Reads the private field, so it is used. */
  public get value(): number { return this.hiddenField; }
}
export function undocumented(): void {}
/** Constants. */
export const CONSTANTS = {
  /** Documented. */
  a: 1,
  b: 2,
} as const;
