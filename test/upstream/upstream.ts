/**
 * The upstream test data (test/data/upstream): trimmed copies of what the
 * projects we install publish at the versions we pin, each with where it came
 * from (repository, tag, commit, path). See test/data/upstream/README.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Schema } from '../support/openapi-schema';

/** The folder of the upstream data. */
export const UPSTREAM = path.resolve(__dirname, '..', 'data', 'upstream');

/** Where a copy came from. */
export interface Source {
  readonly repository: string;
  readonly tag: string;
  readonly commit: string;
  readonly path: string;
  readonly retrieved: string;
}

/** A CRD's schema at a pinned release. */
export interface CrdData {
  readonly source: Source;
  readonly release: string;
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  readonly scope: 'Namespaced' | 'Cluster';
  readonly schema: Schema;
}

/** A chart's default values and schema at a pinned version. */
export interface ChartData {
  readonly source: Source;
  readonly chart: { readonly name: string; readonly version: string; readonly appVersion: string };
  readonly published: { readonly evidence: string };
  readonly values: Record<string, unknown>;
  readonly schema: Schema | null;
  readonly dependencies?: Record<string, { version: string; repository: string; condition?: string }>;
}

const cache = new Map<string, unknown>();
function read<T>(...parts: string[]): T {
  const file = path.join(UPSTREAM, ...parts);
  if (!cache.has(file)) cache.set(file, JSON.parse(fs.readFileSync(file, 'utf8')));
  return cache.get(file) as T;
}

/** The CRD of `apiVersion` and `kind`, or undefined when the data has none. */
export function crd(apiVersion: string, kind: string): CrdData | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const file = `${group}_${kind}_${version}.json`;
  return fs.existsSync(path.join(UPSTREAM, 'crds', file)) ? read<CrdData>('crds', file) : undefined;
}

/** A chart's data by file name (`cert-manager`), or undefined. */
export function chartData(name: string): ChartData | undefined {
  const file = `${name}.json`;
  return fs.existsSync(path.join(UPSTREAM, 'charts', file)) ? read<ChartData>('charts', file) : undefined;
}

/** A file of AWS facts (`iam-aws-load-balancer-controller`, `cloudwatch-metrics`, ...). */
export function awsData<T = any>(name: string): T { // eslint-disable-line @typescript-eslint/no-explicit-any
  return read<T>('aws', `${name}.json`);
}
