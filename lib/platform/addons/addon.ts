import { Construct, HelmRelease, IamRole, IamRolePolicy, ITerraformDependable } from '../../private/cdk';
import { fail } from '../../private/errors';
import { irsaTrust, policyDocument, Statement } from '../../private/iam';
import { checkName, tfId } from '../../private/names';
import type { TierStack } from '../../tier/stack';
import type { Tier } from '../../tier/tier';
import type { GatewayRef, PlatformRef } from '../platform-ref';

/** What an add-on sees when it is installed or configured. */
export interface AddonContext {
  /** The stack the add-on's resources go to. */
  readonly stack: TierStack;
  /** The tier of that stack. */
  readonly tier: Tier;
  /** The platform the add-ons stack installs into (before its own add-ons). */
  readonly platform: PlatformRef;
  /** What the add-on must wait for: its prerequisites' resources in this stack. */
  readonly after: ITerraformDependable[];
  /** Catalog IDs of every add-on of the stack and of those the platform already had. */
  readonly installed: ReadonlySet<string>;
  /** The add-ons of the stack, in install order (what one add-on may check of another). */
  readonly addons: readonly Addon[];
}

/** What a certificate issuer add-on can issue. */
export interface IssuerInfo {
  /** The ClusterIssuer's name. */
  readonly name: string;
  /** Whether it can issue a wildcard name (`*.example.com`): ACME only through DNS-01. */
  readonly wildcards: boolean;
}

/**
 * A cluster add-on. Add-ons are installed in the order they are listed in
 * their AddonsStack; each waits for its prerequisites (`requires`), which
 * must come earlier in the list or be on the platform already.
 *
 * An add-on has two parts: what it installs (Helm releases, CRDs, IAM roles)
 * in the `addons-<tier>` stack, and the custom resources of its CRDs
 * (a Gateway, a ClusterIssuer) in the `addons-config-<tier>` stack deployed
 * after it: the Kubernetes provider must find a CRD at plan time.
 */
export abstract class Addon {
  /** Catalog ID (a DNS label), e.g. "cert-manager". Each add-on appears once per stack. */
  public abstract readonly id: string;
  /** Catalog IDs this add-on needs before it. */
  public readonly requires: readonly string[] = [];

  /** Creates what the add-on installs; returns what dependents wait for. @internal */
  public _install(_scope: Construct, _ctx: AddonContext): ITerraformDependable[] {
    return [];
  }

  /** True when the add-on has custom resources for the config stack. @internal */
  public _hasConfig(): boolean {
    return false;
  }

  /** Creates the add-on's custom resources in the config stack. @internal */
  public _configure(_scope: Construct, _ctx: AddonContext): ITerraformDependable[] {
    return [];
  }

  /** The Gateway this add-on provides to app stacks, if any. @internal */
  public _gateway(): GatewayRef | undefined {
    return undefined;
  }

  /** The certificate issuer this add-on makes, if any. @internal */
  public _issuer(): IssuerInfo | undefined {
    return undefined;
  }

  /** The domains this add-on publishes DNS records under, if it publishes any. @internal */
  public _dnsDomains(): string[] | undefined {
    return undefined;
  }
}

/** A Helm chart, pinned. */
export interface HelmChart {
  /** Chart repository URL (`https://...`) or OCI registry (`oci://...`). */
  readonly repository: string;
  /** Chart name. */
  readonly chart: string;
  /** Exact chart version (no ranges). */
  readonly version: string;
}

/** Properties of a {@link HelmAddon}. */
export interface HelmAddonProps {
  /** Catalog ID of the add-on; also the Helm release name. */
  readonly id: string;
  /** The chart, pinned. */
  readonly chart: HelmChart;
  /** Namespace of the release (created if missing). */
  readonly namespace: string;
  /**
   * Chart values, or a function of the context that returns them. String tokens (an IAM role ARN)
   * may be used inside.
   * @default {}
   */
  readonly values?: Record<string, unknown> | ((ctx: AddonContext, scope: Construct) => Record<string, unknown>);
  /**
   * Catalog IDs that must be installed first.
   * @default []
   */
  readonly requires?: string[];
  /**
   * Seconds Helm waits for the release's resources to be ready.
   * @default 600
   */
  readonly timeoutSeconds?: number;
}

/** Options shared by catalog add-ons. */
export interface CatalogAddonOptions {
  /**
   * Chart version to pin instead of the catalog's.
   * @default - the version the catalog pins (see the catalog table of docs/platform.md)
   */
  readonly version?: string;
  /**
   * Extra chart values, merged over the catalog's (objects merged key by key).
   * @default {}
   */
  readonly values?: Record<string, unknown>;
}

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * An add-on installed from a Helm chart, with safe release settings: atomic
 * (a failed install or upgrade rolls back), cleanup on failure, wait for
 * readiness (jobs included) with a timeout, a pinned chart version. Use it
 * directly for any chart the catalog does not have.
 */
export class HelmAddon extends Addon {
  public readonly id: string;
  public readonly requires: readonly string[];
  /** The chart it installs, pinned to one version. */
  public readonly chart: HelmChart;
  /** The namespace it installs into. */
  public readonly namespace: string;
  private readonly props: HelmAddonProps;

  constructor(props: HelmAddonProps) {
    super();
    const where = `addon ${props.id}`;
    this.id = checkName(where, 'add-on id', props.id, 53);
    this.namespace = checkName(where, 'namespace', props.namespace);
    checkChart(where, props.chart);
    this.chart = props.chart;
    this.requires = props.requires ?? [];
    for (const r of this.requires) {
      checkName(where, 'required add-on id', r, 53);
      if (r === props.id) fail(where, 'the add-on requires itself (%v)', r, 'list only the add-ons that must be installed before it');
    }
    if (props.timeoutSeconds !== undefined && (!Number.isInteger(props.timeoutSeconds) || props.timeoutSeconds < 1 || props.timeoutSeconds > 86400)) {
      fail(where, 'timeoutSeconds %v is not a timeout', props.timeoutSeconds, 'use a whole number of seconds from 1 to 86400 (default 600)');
    }
    this.props = props;
  }

  /** The chart's values in a context (catalog values with the user's merged over them). */
  public values(ctx: AddonContext, scope: Construct): Record<string, unknown> {
    const v = this.props.values;
    return typeof v === 'function' ? v(ctx, scope) : { ...(v ?? {}) };
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    return [helmRelease(scope, ctx, this.id, this.namespace, this.chart, this.values(ctx, scope), this.props.timeoutSeconds)];
  }
}

/** Refuses a chart that is not pinned, not from an https/oci repository, or from Bitnami. */
export function checkChart(where: string, chart: HelmChart): void {
  if (!EXACT_VERSION.test(chart.version)) {
    fail(where, 'chart version %v is not an exact version', chart.version, 'pin the chart to one version, e.g. "1.21.2" (ranges make deploys unrepeatable)');
  }
  if (!/^(https|oci):\/\/\S+$/.test(chart.repository)) {
    fail(where, 'chart repository %v is not an https:// or oci:// URL', chart.repository, 'give the chart repository URL, e.g. "https://charts.jetstack.io"');
  }
  if (/bitnami/i.test(chart.repository) || /bitnami/i.test(chart.chart)) {
    fail(where, 'chart %v comes from Bitnami', `${chart.repository} ${chart.chart}`, 'use the project\'s own chart: Bitnami moved its versioned images to the frozen "bitnamilegacy" repository on 2025-08-28');
  }
}

/** The first value that names a Bitnami image (`bitnami/<name>` or `bitnamilegacy/<name>`), with its path in the values. */
export function bitnamiImageIn(value: unknown, at = 'values'): [string, string] | undefined {
  if (typeof value === 'string') return /(^|[/.])bitnami(legacy)?\/[a-z0-9]/i.test(value) ? [at, value] : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = bitnamiImageIn(value[i], `${at}[${i}]`);
      if (hit) return hit;
    }
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = bitnamiImageIn(v, `${at}.${k}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** A Helm release with Switchyard's safe settings, at the stable address `helm_release.addon_<name>`. */
export function helmRelease(
  scope: Construct, ctx: AddonContext, name: string, namespace: string, chart: HelmChart, values: Record<string, unknown>, timeoutSeconds = 600,
): HelmRelease {
  const bitnami = bitnamiImageIn(values);
  if (bitnami) {
    fail(scope, `the values of add-on "${name}" name the Bitnami image %v (${bitnami[0]})`, bitnami[1],
      'use the project\'s own image: Bitnami moved its versioned images to the frozen "bitnamilegacy" repository on 2025-08-28');
  }
  const release = new HelmRelease(scope, name, {
    provider: ctx.stack.helm,
    name,
    repository: chart.repository,
    chart: chart.chart,
    version: chart.version,
    namespace,
    createNamespace: true,
    atomic: true,
    cleanupOnFail: true,
    wait: true,
    waitForJobs: true,
    timeout: timeoutSeconds,
    maxHistory: 10,
    values: [JSON.stringify(values)],
    dependsOn: ctx.after,
  });
  // Removing a release that owns CRDs deletes every custom resource of them:
  // the address of an add-on's release is kept stable whatever the construct tree.
  release.overrideLogicalId(`addon_${tfId(name)}`);
  return release;
}

/**
 * An IAM role for an add-on's service account (IRSA), trusted by exactly that
 * service account of the cluster, with an inline policy. Needs an EKS platform.
 */
export function addonRole(
  scope: Construct, ctx: AddonContext, addon: string, sa: { namespace: string; name: string }, statements: Statement[],
): IamRole {
  const eks = ctx.platform.eks(ctx.stack, `add-on "${addon}"`);
  const provider = ctx.stack.aws;
  const role = new IamRole(scope, `${addon}-role`, {
    provider,
    namePrefix: `${eks.clusterName}-${addon}-`.slice(0, 38),
    description: `${addon} in EKS cluster ${eks.clusterName} (IRSA: ${sa.namespace}/${sa.name})`,
    assumeRolePolicy: irsaTrust(scope, `${addon}-trust`, provider, { ...eks, namespace: sa.namespace, serviceAccount: sa.name }),
  });
  new IamRolePolicy(scope, `${addon}-policy`, {
    provider,
    role: role.id,
    policy: policyDocument(scope, `${addon}-access`, provider, statements),
  });
  return role;
}

/** Deep merge of plain objects (arrays and scalars of `b` win). */
export function mergeValues(a: Record<string, unknown>, b: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isPlain(cur) && isPlain(v) ? mergeValues(cur, v) : v;
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The chart of a catalog add-on with the user's version, if given. */
export function pinned(chart: HelmChart, options: CatalogAddonOptions): HelmChart {
  return { ...chart, version: options.version ?? chart.version };
}
