import { AwsProvider, Construct, HelmProvider, IConstruct, KubernetesProvider, TerraformStack } from '../private/cdk';
import { fail } from '../private/errors';
import { attachPolicy, evaluatePolicy } from '../policy/aspect';
import { Backend } from './backend';
import { Tier, TIER_OF_STACK } from './tier';

/** How the Kubernetes and Helm providers of a stack authenticate to a cluster. */
export interface KubernetesAccess {
  /**
   * Kubeconfig file, with `context`.
   * @default - not set: the cluster is given by `host` and its credentials
   */
  readonly configPath?: string;
  /**
   * Kubeconfig context.
   * @default - the kubeconfig's current context
   */
  readonly configContext?: string;
  /**
   * API server URL.
   * @default - not set: taken from the kubeconfig
   */
  readonly host?: string;
  /**
   * PEM CA bundle of the API server (decoded).
   * @default - not set: taken from the kubeconfig
   */
  readonly clusterCaCertificate?: string;
  /**
   * Exec credential plugin (e.g. `aws eks get-token`).
   * @default - not set: credentials from the kubeconfig
   */
  readonly exec?: {
    /** The client.authentication.k8s.io API version the plugin speaks. */
    readonly apiVersion: string;
    /** The plugin's command, e.g. `aws`. */
    readonly command: string;
    /** Its arguments, e.g. `eks get-token --cluster-name <name> --region <region>`. */
    readonly args: string[];
  };
}

/** Something that knows how a stack reaches a Kubernetes cluster. */
export interface IClusterConnection {
  /** `kubeconfig` for an existing cluster from a kubeconfig, `eks` for an EKS cluster. */
  readonly kind: 'kubeconfig' | 'eks';
  /** A short description for error messages and the graph (`kind-dev`, `eks:shop-prod`). */
  readonly description: string;
  /** The provider settings, valid inside `stack` (may create data sources there). */
  accessFrom(stack: TierStack): KubernetesAccess;
}

/** Properties of a {@link TierStack}. */
export interface TierStackProps {
  /** The tier this stack belongs to; the stack's name must end in `-<tier>`. */
  readonly tier: Tier;
  /**
   * State backend.
   * @default - the tier's backend, else `Backend.local()`
   */
  readonly backend?: Backend;
  /**
   * AWS region.
   * @default - the tier's region (required as soon as the stack creates an AWS resource)
   */
  readonly region?: string;
}

/**
 * The Terraform versions every Switchyard stack accepts: 1.11 brings the write-only arguments the
 * cache's AUTH token is written with, 1.10 the S3 backend's `use_lockfile`.
 */
export const REQUIRED_TERRAFORM = '>= 1.11';

/**
 * A Terraform stack of one tier. Every Switchyard stack is one: it carries the
 * tier (`Tier.of(construct)` finds it), its state backend, and creates the
 * AWS, Kubernetes and Helm providers only when something in it needs them, so
 * a dev stack that creates nothing in AWS has no AWS provider at all.
 * Switchyard's policy rule pack (`Policy`) checks its resources at every synth.
 */
export class TierStack extends TerraformStack {
  /** The tier stack that holds `scope`. */
  public static of(scope: IConstruct): TierStack {
    for (const s of [...scope.node.scopes].reverse()) {
      if (s instanceof TierStack) return s;
    }
    return fail(scope, '%v is not inside a tier stack', scope.node.path, 'create it inside a PlatformStack, AddonsStack or AppStack (or another TierStack)');
  }

  /** The stack's tier. */
  public readonly tier: Tier;
  /** The backend this stack keeps its state in. */
  public readonly backend: Backend;
  private readonly region?: string;
  private _aws?: AwsProvider;
  private _cluster?: IClusterConnection;
  private _kubernetes?: KubernetesProvider;
  private _helm?: HelmProvider;

  constructor(scope: Construct, name: string, props: TierStackProps) {
    if (!props || !props.tier) fail(name, 'stack %v has no tier', name, 'pass { tier } (e.g. tiers.get("dev"))');
    const suffix = `-${props.tier.name}`;
    if (!name.endsWith(suffix) || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 40) {
      fail(name, 'stack name %v is not valid', name, `use a lower-case DNS label of at most 40 characters that ends in "${suffix}"`);
    }
    // Two stacks of one name would share one folder, one state and one `cdktf deploy` target.
    if (scope.node.tryFindChild(name)) {
      fail(name, 'stack name %v is already used in this program', name, 'give each stack its own name (e.g. a second app or platform of a tier needs its own name)');
    }
    super(scope, name);
    Object.defineProperty(this, TIER_OF_STACK, { value: props.tier });
    this.tier = props.tier;
    this.region = props.region ?? props.tier.region;
    this.backend = props.backend ?? props.tier.backend ?? Backend.local();
    this.backend._bind(this);
    // What the stacks use needs it: write-only arguments (1.11), S3-native locking (1.10), moved blocks (1.5).
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);
    // The rule pack runs on every tier stack; only Policy.disable(scope, reason) turns it off.
    attachPolicy(this);
  }

  /** The stack's Terraform JSON; Switchyard's rule pack evaluates it on the way (see `Policy`). */
  public toTerraform(): any { // eslint-disable-line @typescript-eslint/no-explicit-any
    const synthesized = super.toTerraform();
    evaluatePolicy(this, synthesized);
    return synthesized;
  }

  /** The stack as HCL; the rule pack evaluates the stack's Terraform JSON first. */
  public toHclTerraform(): { [key: string]: any } { // eslint-disable-line @typescript-eslint/no-explicit-any
    evaluatePolicy(this, super.toTerraform());
    return super.toHclTerraform();
  }

  /** The AWS region of this stack, or an error that says how to set it. */
  public get awsRegion(): string {
    if (!this.region) {
      fail(this, 'the stack needs an AWS region but its region is %v', undefined, `set the region of tier "${this.tier.name}" (e.g. Tier.${this.tier.name === 'prod' || this.tier.name === 'staging' ? this.tier.name : 'custom'}({ region: "eu-west-1" })) or the stack's region prop`);
    }
    return this.region;
  }

  /** The AWS provider of this stack, created on first use (region and default tags from the tier). */
  public get aws(): AwsProvider {
    if (!this._aws) {
      this._aws = new AwsProvider(this, 'aws', {
        region: this.awsRegion,
        defaultTags: [{
          tags: {
            ...this.tier.tags,
            'switchyard:tier': this.tier.name,
            'switchyard:stack': this.node.id,
            'managed-by': 'switchyard',
          },
        }],
      });
    }
    return this._aws;
  }

  /** True once something in the stack has asked for the AWS provider. */
  public get usesAws(): boolean {
    return this._aws !== undefined;
  }

  /**
   * Sets the cluster this stack's Kubernetes and Helm resources go to. The
   * providers are configured from `connection`, never from a cluster created
   * in this same stack.
   */
  public useCluster(connection: IClusterConnection): void {
    if (this._cluster && this._cluster !== connection) {
      fail(this, 'the stack already deploys to cluster %v', this._cluster.description, 'use one cluster per stack');
    }
    this._cluster = connection;
  }

  /** The cluster connection, or an error that says how to set one. */
  public get cluster(): IClusterConnection {
    if (!this._cluster) fail(this, 'stack %v has no cluster to deploy Kubernetes resources to', this.node.id, 'give the stack a platform (PlatformRef) or call useCluster(...)');
    return this._cluster;
  }

  /** The Kubernetes provider of this stack, created on first use. */
  public get kubernetes(): KubernetesProvider {
    if (!this._kubernetes) {
      const a = this.cluster.accessFrom(this);
      this._kubernetes = new KubernetesProvider(this, 'kubernetes', {
        configPath: a.configPath,
        configContext: a.configContext,
        host: a.host,
        clusterCaCertificate: a.clusterCaCertificate,
        exec: a.exec ? [a.exec] : undefined,
      });
    }
    return this._kubernetes;
  }

  /** The Helm provider of this stack, created on first use. */
  public get helm(): HelmProvider {
    if (!this._helm) {
      const a = this.cluster.accessFrom(this);
      this._helm = new HelmProvider(this, 'helm', {
        kubernetes: {
          configPath: a.configPath,
          configContext: a.configContext,
          host: a.host,
          clusterCaCertificate: a.clusterCaCertificate,
          exec: a.exec,
        },
      });
    }
    return this._helm;
  }
}
