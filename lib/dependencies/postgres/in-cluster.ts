/**
 * The in-cluster binding of {@link Postgres}: a CloudNativePG `Cluster` in the app namespace, its
 * credentials generated in the cluster, reachable by its own instances, the operator and the
 * connected services only.
 */
import { Construct, Manifest } from '../../private/cdk';
import { AddonIds } from '../../platform/addons/ids';
import { fail } from '../../private/errors';
import { tfId } from '../../private/names';
import { IConnectable } from '../contract';
import { allowFrom, networkPolicy, podPeer, tcp, toApiServer } from '../network-policy';
import type { Postgres } from '../postgres';
import { AppSecrets } from '../secrets';
import { POSTGRES_VERSIONS } from '../versions';
import { connectionTemplate, Database, PORT } from './database';

/** CloudNativePG's instance manager: its REST API (status, the other instances' isolation check, the operator). */
const CNPG_STATUS_PORT = 8000;
/** Namespace of the CloudNativePG operator (the CloudNativePg add-on's). */
const CNPG_OPERATOR_NAMESPACE = 'cnpg-system';
/** Labels of the operator's pods (its chart's selector labels, chart name `cloudnative-pg`). */
const CNPG_OPERATOR_LABELS = { 'app.kubernetes.io/name': 'cloudnative-pg' };

/** Name of the CloudNativePG cluster of the Postgres `name`, which its Services, Pods and Secrets start with. */
export function cnpgName(name: string): string {
  return `${name}-postgres`;
}

/** Labels of every pod of the CloudNativePG cluster: its instances and its jobs (initdb, join). */
export function cnpgPods(name: string): Record<string, string> {
  return { 'cnpg.io/cluster': cnpgName(name) };
}

/**
 * Binds the Postgres `pg` in the cluster: its CloudNativePG cluster and the connection secret
 * rendered from the generated credentials. `peers` are the connected services (admitted on 5432).
 */
export function bindInCluster(pg: Construct, db: Database, peers: IConnectable[]): { cluster: Manifest; secret: Manifest } {
  const app = db.app;
  const cnpg = cnpgName(db.name);
  const pods = cnpgPods(db.name);
  // CloudNativePG makes these Services (and its Pods, Secrets) after the Cluster's name.
  app._claimNames(pg, 'Service', ['rw', 'ro', 'r'].map((s) => `${cnpg}-${s}`));
  if (!app.platform.hasAddon(AddonIds.cloudNativePg)) {
    fail(pg, 'in-cluster Postgres needs the CloudNativePG operator, which the platform of tier %v lacks', app.tier.name, 'install CloudNativePg in the AddonsStack of the tier, or list "cloudnative-pg" in the PlatformRef add-ons');
  }
  // The owner's credentials are generated once in the cluster; CloudNativePG
  // initializes the database with them and the contract secret is rendered from them.
  const secrets = AppSecrets.of(app);
  const credentials = secrets.generatedCredentials(pg, 'credentials', {
    name: `${cnpg}-credentials`,
    username: db.username,
  });
  const sizing = app.tier.profile.sizing;
  const cluster = new Manifest(pg, 'cluster', {
    provider: app.kubernetes,
    manifest: {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: { name: cnpg, namespace: app.namespace, labels: { 'app.kubernetes.io/part-of': app.appName } },
      spec: {
        instances: app.tier.profile.highAvailability ? 3 : 1,
        imageName: POSTGRES_VERSIONS[db.majorVersion],
        enableSuperuserAccess: false,
        storage: { size: `${sizing.inClusterStorageGiB}Gi` },
        bootstrap: { initdb: { database: db.databaseName, owner: db.username, secret: { name: `${cnpg}-credentials` } } },
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
      },
    },
    waitFor: { fields: { 'status.phase': 'Cluster in healthy state' } },
    timeouts: { create: '15m', update: '15m' },
    dependsOn: [credentials],
  });
  cluster.overrideLogicalId(`${tfId(db.name)}_postgres`);
  // CloudNativePG 1.30 (chart 0.29.0): the instances reach each other on 5432 (streaming
  // replication, pg_rewind, a joining replica's base backup) and on 8000 (the instance manager's
  // REST API: the primary's isolation check asks the other instances), the operator reaches every
  // instance on 5432 and 8000, and the instance manager reaches the Kubernetes API server.
  // Services get in on 5432 only once connected.
  allowFrom(pg, app, cnpg, pods, PORT, peers, [
    { podLabels: pods, ports: [PORT, CNPG_STATUS_PORT] },
    { namespace: CNPG_OPERATOR_NAMESPACE, podLabels: CNPG_OPERATOR_LABELS, ports: [PORT, CNPG_STATUS_PORT] },
  ]);
  networkPolicy(pg, 'egress-policy', app, {
    name: `${cnpg}-egress`,
    podLabels: pods,
    direction: 'Egress',
    rules: () => [{ peers: [podPeer(pods)], ports: tcp(PORT, CNPG_STATUS_PORT) }, toApiServer()],
  });
  const secret = secrets.fromCluster(pg, 'connection-secret', {
    name: db.secretName,
    keys: [{ as: 'password', secret: `${cnpg}-credentials`, property: 'password' }],
    template: connectionTemplate(db, `${cnpg}-rw.${app.namespace}.svc`, 'require', db.username),
  }, [credentials]);
  return { cluster, secret };
}
