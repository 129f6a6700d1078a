/**
 * Reading Prometheus over its HTTP API (`GET /api/v1/query`) for the canary
 * analysis: each query of lib/release/analysis.ts aggregates to one number.
 */
import { fail } from '../private/errors';
import { slotQueries, SlotMeasurement, SlotTarget, ResolvedAnalysis } from '../release/analysis';

/** Prometheus could not be asked or did not answer a query. */
export class PrometheusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** The base URL of `--prometheus`, checked: http(s), no query or fragment. */
export function prometheusUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail('--prometheus', 'address %v is not a URL', text, 'give Prometheus\'s base URL, e.g. http://127.0.0.1:9090 (through kubectl port-forward) or http://kube-prometheus-stack-prometheus.monitoring:9090');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    fail('--prometheus', 'address %v is not an http(s) base URL', text, 'give the base URL only, e.g. http://127.0.0.1:9090');
  }
  return url.href.replace(/\/+$/, '');
}

/** The value of an instant query that aggregates to one number; undefined when there is no series (or NaN). */
export async function queryValue(base: string, expr: string, timeoutMs = 10_000): Promise<number | undefined> {
  let response: Response;
  try {
    response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new PrometheusError(`cannot reach Prometheus at ${base} (${cause?.code ?? cause?.message ?? (e as Error).message})`);
  }
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: Array<{ value?: [number, string] }> } };
  try {
    body = await response.json() as typeof body;
  } catch {
    throw new PrometheusError(`Prometheus at ${base} answered HTTP ${response.status} with no JSON for ${expr}`);
  }
  if (!response.ok || body.status !== 'success') throw new PrometheusError(`Prometheus refused ${expr}: ${body.error ?? `HTTP ${response.status}`}`);
  const result = body.data?.result ?? [];
  if (body.data?.resultType !== 'vector') throw new PrometheusError(`Prometheus answered ${expr} with a ${body.data?.resultType}, not a vector`);
  if (result.length > 1) throw new PrometheusError(`Prometheus answered ${expr} with ${result.length} series, not one`);
  if (result.length === 0) return undefined;
  const value = Number(result[0].value?.[1]);
  return Number.isFinite(value) ? value : undefined;
}

/** What Prometheus says of a slot over the analysis window. */
export async function measureSlot(base: string, analysis: ResolvedAnalysis, target: SlotTarget, window?: string): Promise<SlotMeasurement> {
  const q = slotQueries(analysis, target, window);
  const [requests, errors, p99] = await Promise.all([queryValue(base, q.requests), queryValue(base, q.errors), queryValue(base, q.p99)]);
  return { requests, errors, p99 };
}
