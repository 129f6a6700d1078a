import { AppStack } from '../app-stack';
import { AddonIds } from '../platform/addons/ids';
import {
  Construct, IamRole, IamRolePolicy, ITerraformDependable, Manifest, RoleBindingV1, RoleV1, ServiceAccountV1,
} from '../private/cdk';
import { fail } from '../private/errors';
import { irsaTrust, lazyPolicyDocument } from '../private/iam';
import { keyUse } from '../private/kms';

/** API versions of the external-secrets custom resources. */
export const ESO_API = 'external-secrets.io/v1';
export const ESO_GENERATORS_API = 'generators.external-secrets.io/v1alpha1';

/** One value an ExternalSecret reads, by the name the template uses (`{{ .<as> }}`). */
export interface SourceKey {
  /** Name of the value in the template. */
  readonly as: string;
  /** Source secret: an ARN or name in AWS Secrets Manager, a Secret name in the cluster. */
  readonly secret: string;
  /**
   * Key (JSON property, or Secret key) in the source secret.
   * @default - the whole value (a Secrets Manager secret that is a plain string)
   */
  readonly property?: string;
}

/** A contract secret rendered from source values. */
export interface RenderedSecretProps {
  /** Name of the Kubernetes Secret (and of its ExternalSecret). */
  readonly name: string;
  /** Where the values come from. */
  readonly keys: SourceKey[];
  /** The Secret's keys, as Go templates over the values (`{{ .password | urlquery }}`) or literals. */
  readonly template: Record<string, string>;
  /**
   * How often external-secrets reads the values again: a value that rotates wants it short.
   * @default "1h"
   */
  readonly refreshInterval?: string;
  /**
   * Customer-managed KMS keys the source secrets are encrypted with: the store's role may decrypt
   * with them, through Secrets Manager only.
   * @default [] (secrets encrypted with the AWS-managed key)
   */
  readonly kmsKeys?: string[];
}

/** Credentials generated in the cluster. */
export interface GeneratedCredentialsProps {
  /** Name of the Kubernetes Secret (type `kubernetes.io/basic-auth`). */
  readonly name: string;
  /** The `username` key. */
  readonly username: string;
  /**
   * Characters allowed besides letters and digits in the password.
   * @default "" (letters and digits only: safe in URLs and for every server)
   */
  readonly symbolCharacters?: string;
}

const SA_NAME = 'switchyard-secrets';

/** A SecretStore of the app. */
interface Store {
  readonly name: string;
  readonly resource: Manifest;
}

/**
 * How an app's connection secrets reach its namespace: every contract secret
 * is written by external-secrets, so no secret value ever appears in the
 * Terraform configuration or state.
 *
 * - Managed tiers read AWS Secrets Manager through a SecretStore of the app's
 *   own, whose service account (IRSA) may read exactly the secrets the app's
 *   dependencies granted.
 * - In-cluster tiers generate credentials once in the cluster (the
 *   Password generator, created once and immutable) and render the contract
 *   secret from them through a SecretStore that reads the app's namespace.
 */
export class AppSecrets extends Construct {
  /** The app's secrets helper (one per app stack). */
  public static of(app: AppStack): AppSecrets {
    return (app.node.tryFindChild('secrets') as AppSecrets | undefined) ?? new AppSecrets(app);
  }

  private readonly app: AppStack;
  private readonly readable: string[] = [];
  private readonly decryptable: string[] = [];
  private awsStore?: Store;
  private clusterStore?: Store;

  private constructor(app: AppStack) {
    super(app, 'secrets');
    this.app = app;
    if (!app.platform.hasAddon(AddonIds.externalSecrets)) {
      fail(app, 'the platform of tier %v has no external-secrets add-on', app.tier.name, 'install ExternalSecrets in the AddonsStack of the tier (connection secrets are written by it), or list "external-secrets" in the PlatformRef add-ons');
    }
  }

  /** A contract secret rendered from AWS Secrets Manager values, read again every `refreshInterval`. */
  public fromSecretsManager(scope: Construct, id: string, props: RenderedSecretProps): Manifest {
    for (const k of props.keys) if (!this.readable.includes(k.secret)) this.readable.push(k.secret);
    for (const k of props.kmsKeys ?? []) if (!this.decryptable.includes(k)) this.decryptable.push(k);
    return this.externalSecret(scope, id, props.name, this.secretsManagerStore(), {
      refreshInterval: props.refreshInterval ?? '1h',
      target: this.target(props.name, { data: props.template }),
      data: props.keys.map((k) => ({ secretKey: k.as, remoteRef: { key: k.secret, ...(k.property ? { property: k.property } : {}) } })),
    });
  }

  /** A contract secret rendered from Secrets in the app's namespace, refreshed hourly. */
  public fromCluster(scope: Construct, id: string, props: RenderedSecretProps, after: ITerraformDependable[]): Manifest {
    return this.externalSecret(scope, id, props.name, this.inClusterStore(), {
      refreshInterval: '1h',
      target: this.target(props.name, { data: props.template }),
      data: props.keys.map((k) => ({ secretKey: k.as, remoteRef: { key: k.secret, ...(k.property ? { property: k.property } : {}) } })),
    }, after);
  }

  /**
   * Credentials generated once in the cluster: a `kubernetes.io/basic-auth`
   * Secret with `username` and a 32-character `password`. It is created once
   * and immutable, so neither a refresh, an operator restart nor a re-created
   * ExternalSecret changes a password a database was initialized with.
   */
  public generatedCredentials(scope: Construct, id: string, props: GeneratedCredentialsProps): Manifest {
    return this.generated(scope, id, props.name, ['password'], props.symbolCharacters ?? '', {
      type: 'kubernetes.io/basic-auth', data: { username: props.username, password: '{{ .password }}' },
    });
  }

  /**
   * A Secret with random values under `keys` (20 letters and digits each),
   * generated once in the cluster and immutable: e.g. an access key pair for
   * an in-cluster stand-in that only wants requests signed.
   */
  public generatedKeyPair(scope: Construct, id: string, props: { name: string; keys?: string[]; length?: number }): Manifest {
    return this.generated(scope, id, props.name, props.keys ?? ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], '', undefined, props.length ?? 20);
  }

  /** A Password generator and an ExternalSecret that runs it once into an immutable Secret. */
  private generated(
    scope: Construct, id: string, name: string, keys: string[], symbols: string, template?: Record<string, unknown>, length = 32,
  ): Manifest {
    const generator = new Manifest(scope, `${id}-generator`, {
      provider: this.app.kubernetes,
      manifest: {
        apiVersion: ESO_GENERATORS_API,
        kind: 'Password',
        metadata: { name, namespace: this.app.namespace },
        spec: {
          length,
          digits: Math.floor(length / 4),
          symbols: symbols ? 4 : 0,
          ...(symbols ? { symbolCharacters: symbols } : {}),
          noUpper: false,
          allowRepeat: true,
          ...(keys.length === 1 && keys[0] === 'password' ? {} : { secretKeys: keys }),
        },
      },
      dependsOn: [this.app.namespaceResource],
    });
    return this.externalSecret(scope, id, name, undefined, {
      // Generated once: no refresh, no re-generation over an existing Secret.
      refreshPolicy: 'CreatedOnce',
      // Orphan: the Secret has no owner, so it outlives its ExternalSecret (a replaced ExternalSecret, a
      // rename); immutable, a new ExternalSecret cannot overwrite the password a database was made with.
      target: { ...this.target(name, template, 'Orphan'), immutable: true },
      dataFrom: [{ sourceRef: { generatorRef: { apiVersion: ESO_GENERATORS_API, kind: 'Password', name } } }],
    }, [generator]);
  }

  /**
   * The Secret an ExternalSecret writes. A rendered contract secret is owned by its ExternalSecret
   * (deleted with it, written again by the next one); generated credentials are orphaned. Retain:
   * a value gone from the store does not delete the Secret.
   */
  private target(name: string, template?: Record<string, unknown>, creationPolicy: 'Owner' | 'Orphan' = 'Owner'): Record<string, unknown> {
    return { name, creationPolicy, deletionPolicy: 'Retain', ...(template ? { template: { engineVersion: 'v2', ...template } } : {}) };
  }

  private externalSecret(
    scope: Construct, id: string, name: string, store: Store | undefined, spec: Record<string, unknown>, after: ITerraformDependable[] = [],
  ): Manifest {
    return new Manifest(scope, id, {
      provider: this.app.kubernetes,
      manifest: {
        apiVersion: ESO_API,
        kind: 'ExternalSecret',
        metadata: { name, namespace: this.app.namespace, labels: { 'app.kubernetes.io/part-of': this.app.appName } },
        spec: { ...(store ? { secretStoreRef: { kind: 'SecretStore', name: store.name } } : {}), ...spec },
      },
      // The apply waits until the Secret is written, so consumers start with it in place.
      waitFor: { fields: { 'status.conditions[0].status': 'True' } },
      dependsOn: [...(store ? [store.resource] : [this.app.namespaceResource]), ...after],
    });
  }

  /** The app's service account that external-secrets authenticates as. */
  private serviceAccount(annotations?: Record<string, string>): ServiceAccountV1 {
    return new ServiceAccountV1(this, 'reader', {
      provider: this.app.kubernetes,
      metadata: { name: SA_NAME, namespace: this.app.namespace, annotations },
      automountServiceAccountToken: false,
      dependsOn: [this.app.namespaceResource],
    });
  }

  /** SecretStore `aws-secrets-manager`: IRSA role that may read exactly the granted secrets. */
  private secretsManagerStore(): Store {
    if (this.awsStore) return this.awsStore;
    const app = this.app;
    const eks = app.platform.eks(app, 'a managed dependency');
    const role = new IamRole(this, 'reader-role', {
      provider: app.aws,
      namePrefix: `${app.node.id}-secrets-`.slice(0, 38),
      description: `Reads the connection secrets of ${app.node.id} for external-secrets`,
      assumeRolePolicy: irsaTrust(this, 'reader-trust', app.aws, { ...eks, namespace: app.namespace, serviceAccount: SA_NAME }),
    });
    const policy = new IamRolePolicy(this, 'reader-policy', {
      provider: app.aws,
      role: role.id,
      // Secrets (and their keys) are granted as dependencies bind; the lists are complete at synth.
      policy: lazyPolicyDocument(this, 'reader-access', app.aws, () => [
        { actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resources: [...this.readable] },
        ...(this.decryptable.length > 0 ? [keyUse([...this.decryptable], ['kms:Decrypt'], `secretsmanager.${eks.region}.amazonaws.com`)] : []),
      ]),
    });
    const sa = this.serviceAccount({ 'eks.amazonaws.com/role-arn': role.arn });
    const name = 'aws-secrets-manager';
    const resource = new Manifest(this, 'aws-store', {
      provider: app.kubernetes,
      manifest: {
        apiVersion: ESO_API,
        kind: 'SecretStore',
        metadata: { name, namespace: app.namespace },
        spec: { provider: { aws: { service: 'SecretsManager', region: eks.region, auth: { jwt: { serviceAccountRef: { name: SA_NAME } } } } } },
      },
      // The store reads as soon as it exists: after its role may read.
      dependsOn: [sa, policy],
    });
    this.awsStore = { name, resource };
    return this.awsStore;
  }

  /** SecretStore `in-cluster`: reads Secrets of the app's own namespace. */
  private inClusterStore(): Store {
    if (this.clusterStore) return this.clusterStore;
    const app = this.app;
    const provider = app.kubernetes;
    const sa = this.serviceAccount();
    // external-secrets itself may read every Secret of the cluster; this role
    // lets the store's own identity read the app's namespace, nothing more.
    const role = new RoleV1(this, 'reader-role', {
      provider,
      metadata: { name: SA_NAME, namespace: app.namespace },
      rule: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }],
      dependsOn: [app.namespaceResource],
    });
    const binding = new RoleBindingV1(this, 'reader-binding', {
      provider,
      metadata: { name: SA_NAME, namespace: app.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: SA_NAME },
      subject: [{ kind: 'ServiceAccount', name: SA_NAME, namespace: app.namespace }],
      dependsOn: [role, sa],
    });
    const name = 'in-cluster';
    const resource = new Manifest(this, 'cluster-store', {
      provider,
      manifest: {
        apiVersion: ESO_API,
        kind: 'SecretStore',
        metadata: { name, namespace: app.namespace },
        spec: {
          provider: {
            kubernetes: {
              remoteNamespace: app.namespace,
              server: { caProvider: { type: 'ConfigMap', name: 'kube-root-ca.crt', key: 'ca.crt' } },
              auth: { serviceAccount: { name: SA_NAME } },
            },
          },
        },
      },
      dependsOn: [binding],
    });
    this.clusterStore = { name, resource };
    return this.clusterStore;
  }
}
