/** The name of a smoke Job, shared by the construct that makes it and the CLI that checks it (no cdktf here). */
import { createHash } from 'crypto';
import type { Slot } from './ledger-data';

/** The Job of `service`'s smoke tests of `version` in `slot`: `<service>-smoke-<slot>-<10 hex of the version's SHA-256>`. */
export function smokeJobName(service: string, slot: Slot, version: string): string {
  return `${service}-smoke-${slot}-${createHash('sha256').update(version).digest('hex').slice(0, 10)}`;
}
