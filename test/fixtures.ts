import {
  AddonsStack, App, AppStack, CloudNativePg, EnvoyGateway, ExternalSecrets, GatewayApiCrds, PlatformRef, PlatformStack, ReleaseLedger, Tier, Tiers,
} from '../lib';

/** The standard tiers with a region for the managed ones. */
export function tiers(): Tiers {
  return Tiers.standard({ staging: { region: 'eu-west-1' }, prod: { region: 'eu-west-1' } });
}

/** A ledger from a plain object. */
export function ledgerOf(data: unknown, t: Tiers = tiers()): ReleaseLedger {
  return ReleaseLedger.parse(JSON.stringify(data), t, 'releases.json');
}

/** A release of one service: one version in blue, live. */
export function released(version = '1.0.0', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { blue: version, live: 'blue', weight: 0, approvals: [], history: [], ...extra };
}

/**
 * An app stack of `app` in `tier`, on a platform that has what dependencies
 * need (kubeconfig with the operators in dev, an EKS platform stack otherwise).
 */
export function appStack(app: App, tier: Tier, ledger: ReleaseLedger, name = ledger.app): AppStack {
  const base = tier.managed
    ? (app.node.tryFindChild(`platform-${tier.name}`) as PlatformStack | undefined ?? new PlatformStack(app, { tier })).ref
    : PlatformRef.fromKubeconfig({ context: 'kind-test' });
  const addons = (app.node.tryFindChild(`addons-${tier.name}`) as AddonsStack | undefined)
    ?? new AddonsStack(app, { tier, platform: base, addons: [new GatewayApiCrds(), new EnvoyGateway(), new ExternalSecrets(), new CloudNativePg()] });
  return new AppStack(app, name, { tier, platform: addons.ref, ledger });
}
