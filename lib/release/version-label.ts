/**
 * The version of a slot as a Kubernetes label value (`app.kubernetes.io/version` on its pods, which
 * Prometheus scrapes as `app_kubernetes_io_version`). A label value is at most 63 characters of
 * letters, digits, "-", "_" and ".", starting and ending with a letter or digit; the ledger also
 * takes image digests (`sha256:<64 hex>`) and tags of up to 128 characters. Such a version is
 * written as its readable start and a hash of the whole: the same version gives the same label.
 */
import { createHash } from 'crypto';

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;

/** True when `value` can be a Kubernetes label value. */
export function isLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** `version` itself when it is a label value; else its first characters made valid, "-", and 12 hex of its SHA-256. */
export function versionLabel(version: string): string {
  if (isLabelValue(version)) return version;
  const hash = createHash('sha256').update(version).digest('hex').slice(0, 12);
  const start = version.replace(/[^-A-Za-z0-9_.]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 50).replace(/[^A-Za-z0-9]+$/, '');
  return start ? `${start}-${hash}` : hash;
}
