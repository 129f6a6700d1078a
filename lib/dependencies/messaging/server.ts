import * as fs from 'fs';
import * as path from 'path';
import { AppStack } from '../../app-stack';
import { ConfigMapV1, Construct, DeploymentV1, Lazy, ServiceV1 } from '../../private/cdk';
import { LOCKED_DOWN_CONTAINER, podSecurity } from '../../private/pod';
import { IConnectable, NetworkDestination } from '../contract';
import { KEDA_OPERATOR } from '../../platform/addons/keda';
import { namespacePeer, networkPolicy, podPeer, Rule, tcp } from '../network-policy';
import { AppSecrets } from '../secrets';
import type { Queue } from './queue';
import type { Topic } from './topic';

/** The image of the in-cluster stand-in for SQS and SNS (Moto, Apache-2.0), pinned. */
export const MESSAGING_IMAGE = 'motoserver/moto:5.2.3';
/** Region and account the in-cluster stand-in answers for. */
export const LOCAL = { region: 'us-east-1', account: '123456789012', port: 5000, service: 'messaging' };
/**
 * The program of the setup sidecar, which keeps the queues, topics and subscriptions in place:
 * `ensure.py` beside this module (in lib/ when run from source, in build/lib/ where the build copies it).
 */
export const ENSURE_PROGRAM = path.join(__dirname, 'ensure.py');
let ensureProgram: string | undefined;

/** The setup program's text, read once, when an app first needs the server. */
function ensureScript(): string {
  try {
    return (ensureProgram ??= fs.readFileSync(ENSURE_PROGRAM, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the setup program of the in-cluster messaging server (${(e as Error).message}): a build or bundle of switchyard must copy ensure.py beside ${__filename}`);
  }
}

/**
 * The in-cluster stand-in for SQS and SNS of one app (one per app stack):
 * Moto's server, with a sidecar that keeps the app's queues (with their
 * dead-letter queues and redrive), topics and subscriptions in place, so a
 * restart of the server loses messages but never the setup. Only the
 * services connected to a queue or topic reach it.
 */
export class InClusterMessaging extends Construct {
  /** The app's messaging server, made on first use. */
  public static of(app: AppStack): InClusterMessaging {
    return (app.node.tryFindChild('messaging') as InClusterMessaging | undefined) ?? new InClusterMessaging(app);
  }

  /** What SDKs use as the SQS and SNS endpoint. */
  public readonly endpoint: string;
  /** The server's Deployment in the app's namespace. */
  public readonly deployment: DeploymentV1;
  /** Where connected services reach the server: its pods, on its port. */
  public readonly destination: NetworkDestination;
  private readonly queues: Queue[] = [];
  private readonly topics: Topic[] = [];
  private readonly subscriptions: Array<{ topic: Topic; queue: Queue; raw: boolean }> = [];
  private readonly peers: IConnectable[] = [];
  private readonly credentials: string;
  /** Whether KEDA's operator reads the depth of a queue here (a worker scales on it). */
  private scaler = false;

  private constructor(app: AppStack) {
    super(app, 'messaging');
    const provider = app.kubernetes;
    const ns = app.namespace;
    this.endpoint = `http://${LOCAL.service}.${ns}.svc:${LOCAL.port}`;
    const labels = { 'app.kubernetes.io/name': LOCAL.service, 'app.kubernetes.io/part-of': app.appName, 'app.kubernetes.io/managed-by': 'switchyard' };
    this.destination = { podLabels: labels, port: LOCAL.port };
    // SDKs sign every call; the stand-in accepts any key, so the pair is generated in the cluster.
    this.credentials = `${LOCAL.service}-credentials`;
    const creds = AppSecrets.of(app).generatedKeyPair(this, 'credentials', { name: this.credentials });

    const setup = new ConfigMapV1(this, 'setup', {
      provider,
      metadata: { name: `${LOCAL.service}-setup`, namespace: ns, labels },
      data: { 'setup.json': Lazy.stringValue({ produce: () => JSON.stringify(this.setupSpec(), null, 2) }), 'ensure.py': ensureScript() },
      dependsOn: [app.namespaceResource],
    });
    const awsEnv = [
      { name: 'AWS_DEFAULT_REGION', value: LOCAL.region },
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: this.credentials, key: 'AWS_ACCESS_KEY_ID' } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: this.credentials, key: 'AWS_SECRET_ACCESS_KEY' } } },
      { name: 'PYTHONDONTWRITEBYTECODE', value: '1' },
      { name: 'HOME', value: '/tmp' },
    ];
    const security = LOCKED_DOWN_CONTAINER;
    const resources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } };
    this.deployment = new DeploymentV1(this, 'server', {
      provider,
      metadata: { name: LOCAL.service, namespace: ns, labels },
      waitForRollout: true,
      spec: {
        replicas: '1',
        selector: { matchLabels: labels },
        strategy: { type: 'Recreate' },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: podSecurity(10001),
            container: [
              {
                name: 'server',
                image: MESSAGING_IMAGE,
                args: ['-H', '0.0.0.0', '-p', String(LOCAL.port)],
                port: [{ name: 'http', containerPort: LOCAL.port }],
                env: awsEnv,
                resources,
                readinessProbe: { tcpSocket: [{ port: String(LOCAL.port) }], periodSeconds: 5 },
                livenessProbe: { tcpSocket: [{ port: String(LOCAL.port) }], initialDelaySeconds: 10, periodSeconds: 10 },
                securityContext: security,
                volumeMount: [{ name: 'tmp', mountPath: '/tmp' }],
              },
              {
                // Keeps queues, topics and subscriptions in place (idempotent, every 30 s).
                name: 'setup',
                image: MESSAGING_IMAGE,
                command: ['python', '/setup/ensure.py', '/setup/setup.json'],
                env: [...awsEnv, { name: 'ENDPOINT', value: `http://127.0.0.1:${LOCAL.port}` }],
                resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
                readinessProbe: { exec: { command: ['test', '-f', '/tmp/ready'] }, periodSeconds: 5 },
                livenessProbe: { exec: { command: ['python', '-c', 'import os,time,sys; sys.exit(time.time()-os.path.getmtime("/tmp/ready")>300)'] }, initialDelaySeconds: 60, periodSeconds: 30 },
                securityContext: security,
                volumeMount: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'setup', mountPath: '/setup', readOnly: true }],
              },
            ],
            volume: [
              { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
              { name: 'setup', configMap: { name: `${LOCAL.service}-setup` } },
            ],
          },
        },
      },
      dependsOn: [setup, creds],
    });
    new ServiceV1(this, 'service', {
      provider,
      metadata: { name: LOCAL.service, namespace: ns, labels },
      spec: { type: 'ClusterIP', selector: labels, port: [{ name: 'http', port: LOCAL.port, targetPort: String(LOCAL.port) }] },
      dependsOn: [app.namespaceResource],
    });
    // Only the services connected to a queue or topic may reach the server. It needs nothing but DNS
    // itself: the setup sidecar talks to the server over the pod's loopback.
    networkPolicy(this, 'ingress', app, {
      name: LOCAL.service,
      podLabels: labels,
      direction: 'Ingress',
      // No connected service: no rule, so nothing gets in (an empty `from` would let everything in).
      rules: () => [
        ...(this.peers.length === 0 ? [] : [{ peers: this.peers.map((p) => podPeer(p.podSelector)), ports: tcp(LOCAL.port) }]),
        // KEDA's operator, in its namespace, reads the depth of the queues workers scale on.
        ...(this.scaler ? [{ peers: [namespacePeer(KEDA_OPERATOR.namespace, KEDA_OPERATOR.podLabels)], ports: tcp(LOCAL.port) } satisfies Rule] : []),
      ],
    });
  }

  /** The Secret with the server's generated credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`). */
  public get credentialsSecret(): string {
    return this.credentials;
  }

  /** Lets KEDA's operator reach the server, to read the depth of the queues workers scale on. @internal */
  public allowScaler(): void {
    this.scaler = true;
  }

  /** @internal */
  public addQueue(q: Queue): void {
    this.queues.push(q);
  }

  /** @internal */
  public addTopic(t: Topic): void {
    this.topics.push(t);
  }

  /** @internal */
  public subscribe(topic: Topic, queue: Queue, raw: boolean): void {
    this.subscriptions.push({ topic, queue, raw });
  }

  /** Lets a service reach the server, and gives it the local credentials. */
  public allow(peer: IConnectable): void {
    if (this.peers.includes(peer)) return;
    this.peers.push(peer);
    const withEnv = peer as unknown as { _addSecretEnv?: (name: string, secret: string, key: string) => void };
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) withEnv._addSecretEnv?.(key, this.credentials, key);
  }

  private setupSpec(): Record<string, unknown> {
    const qname = (q: Queue) => `${q.name}${q.fifo ? '.fifo' : ''}`;
    return {
      queues: this.queues.map((q) => ({
        name: qname(q),
        deadLetterQueue: `${q.deadLetterQueueName}${q.fifo ? '.fifo' : ''}`,
        fifo: q.fifo,
        visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
        retentionSeconds: q.retentionSeconds,
        maxReceiveCount: q.maxReceiveCount,
      })),
      topics: this.topics.map((t) => ({ name: `${t.name}${t.fifo ? '.fifo' : ''}`, fifo: t.fifo })),
      subscriptions: this.subscriptions.map((s) => ({ topic: `${s.topic.name}${s.topic.fifo ? '.fifo' : ''}`, queue: qname(s.queue), raw: s.raw })),
    };
  }
}
