/** Kubernetes quantities, as the props' resources give them. */

/** A non-negative Kubernetes quantity ("250m", "1.5", "256Mi", "1G") as a number, or undefined when it is not one. */
export function quantity(q: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(q);
  if (!m) return undefined;
  const scale: Record<string, number> = {
    m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  };
  return Number(m[1]) * (m[2] ? scale[m[2]] : 1);
}
