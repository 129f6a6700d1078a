import { IConstruct } from './cdk';
import { fail } from './errors';

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Checks a name that becomes part of Kubernetes object names, stack names and
 * AWS identifiers: an RFC 1123 label that starts with a letter, at most `max`
 * characters (63 by default, less where a suffix is appended).
 */
export function checkName(where: IConstruct | string, what: string, name: string, max = 63): string {
  if (typeof name !== 'string' || !DNS_LABEL.test(name) || name.length > max) {
    fail(
      where,
      `${what} %v is not a valid name`,
      name,
      `use lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most ${max} characters (e.g. "orders")`,
    );
  }
  return name;
}

/** `orders-db` → `ORDERS_DB`: the prefix of environment variables derived from a name. */
export function envPrefix(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/** `orders-db` → `orders_db`: a Terraform identifier derived from a name. */
export function tfId(name: string): string {
  return name.replace(/-/g, '_');
}
