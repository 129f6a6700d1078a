import { Construct, HelmRelease, ITerraformDependable } from '../../private/cdk';
import { fail } from '../../private/errors';
import { checkName, tfId } from '../../private/names';
import type { Tier } from '../../tier/tier';
import type { TierStack } from '../../tier/stack';
import type { PlatformRef } from '../platform-ref';

/** What an add-on sees when it is installed. */
export interface AddonContext {
  /** The stack the add-on is installed in. */
  readonly stack: TierStack;
  readonly tier: Tier;
  /** The platform the add-ons stack installs into (before its own add-ons). */
  readonly platform: PlatformRef;
  /** What the add-on must wait for: the releases of its prerequisites. */
  readonly after: ITerraformDependable[];
  /** Catalog IDs of every add-on in the stack (and those the platform already had). */
  readonly installed: ReadonlySet<string>;
}

/**
 * A cluster add-on. Add-ons are installed in the order they are listed in
 * their AddonsStack; each waits for its prerequisites (`requires`), which
 * must come earlier in the list or be on the platform already.
 */
export abstract class Addon {
  /** Catalog ID (a DNS label), e.g. "cert-manager". Each add-on appears once per stack. */
  public abstract readonly id: string;
  /** Catalog IDs this add-on needs installed before it. */
  public readonly requires: readonly string[] = [];
  /**
   * Creates the add-on in `scope` and returns what dependents wait for.
   * @internal
   */
  public abstract _install(scope: Construct, ctx: AddonContext): ITerraformDependable[];
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
  readonly values?: Record<string, unknown> | ((ctx: AddonContext) => Record<string, unknown>);
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

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/**
 * An add-on installed from a Helm chart, with safe release settings: atomic
 * (a failed install or upgrade rolls back), cleanup on failure, wait for
 * readiness with a timeout, a pinned chart version. Use it directly for any
 * chart the catalog does not have.
 */
export class HelmAddon extends Addon {
  public readonly id: string;
  public readonly requires: readonly string[];
  public readonly chart: HelmChart;
  public readonly namespace: string;
  private readonly props: HelmAddonProps;

  constructor(props: HelmAddonProps) {
    super();
    const where = `addon ${props.id}`;
    this.id = checkName(where, 'add-on id', props.id, 53);
    this.namespace = checkName(where, 'namespace', props.namespace);
    if (!EXACT_VERSION.test(props.chart.version)) {
      fail(where, 'chart version %v is not an exact version', props.chart.version, 'pin the chart to one version, e.g. "1.21.2" (ranges make deploys unrepeatable)');
    }
    if (!/^(https|oci):\/\/\S+$/.test(props.chart.repository)) {
      fail(where, 'chart repository %v is not an https:// or oci:// URL', props.chart.repository, 'give the chart repository URL, e.g. "https://charts.jetstack.io"');
    }
    if (/bitnami/i.test(props.chart.repository) || /bitnami/i.test(props.chart.chart)) {
      fail(where, 'chart %v comes from Bitnami', `${props.chart.repository} ${props.chart.chart}`, 'use the project\'s own chart: Bitnami moved its versioned images to the frozen "bitnamilegacy" repository on 2025-08-28');
    }
    this.chart = props.chart;
    this.requires = props.requires ?? [];
    this.props = props;
  }

  /** The values for a context (after defaults). */
  public values(ctx: AddonContext): Record<string, unknown> {
    const v = this.props.values;
    return typeof v === 'function' ? v(ctx) : { ...(v ?? {}) };
  }

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    const release = new HelmRelease(scope, this.id, {
      provider: ctx.stack.helm,
      name: this.id,
      repository: this.chart.repository,
      chart: this.chart.chart,
      version: this.chart.version,
      namespace: this.namespace,
      createNamespace: true,
      atomic: true,
      cleanupOnFail: true,
      wait: true,
      waitForJobs: true,
      timeout: this.props.timeoutSeconds ?? 600,
      maxHistory: 10,
      values: [JSON.stringify(this.values(ctx))],
      dependsOn: ctx.after,
    });
    // Removing a release that owns CRDs deletes every custom resource of them:
    // the address of an add-on's release is kept stable whatever the construct tree.
    release.overrideLogicalId(`addon_${tfId(this.id)}`);
    return [release];
  }
}
