import { AppStack } from '../app-stack';
import {
  ConfigMapV1, Construct, DeploymentV1, ITerraformDependable, KmsKey, Lazy, SecretV1, ServiceV1, SnsTopic,
  SnsTopicSubscription, SqsQueue, SqsQueuePolicy, SqsQueueRedriveAllowPolicy,
} from '../private/cdk';
import { fail } from '../private/errors';
import { dataKey, keyUse } from '../private/kms';
import { Alerts } from '../observability/alarms';
import { lazyPolicyDocument, Statement } from '../private/iam';
import { checkName, tfId } from '../private/names';
import { LOCKED_DOWN_CONTAINER, podSecurity } from '../private/pod';
import { CONTRACT_KEYS, IConnectable, IQueue, ITopic, NetworkDestination, QueueAction, secretName } from './contract';
import { networkPolicy, podPeer, tcp } from './network-policy';
import { AppSecrets } from './secrets';

/** The SQS limits Switchyard checks at synth. */
const SQS = { minRetention: 60, maxRetention: 1_209_600, maxVisibility: 43_200, maxReceiveCount: 1000 };
const DAY = 86_400;
/** The image of the in-cluster stand-in for SQS and SNS (Moto, Apache-2.0), pinned. */
export const MESSAGING_IMAGE = 'motoserver/moto:5.2.3';
/** Region and account the in-cluster stand-in answers for. */
const LOCAL = { region: 'us-east-1', account: '123456789012', port: 5000, service: 'messaging' };

/** Properties of a {@link Queue}. */
export interface QueueProps {
  /**
   * Seconds a received message stays invisible to other consumers (0 to 43200).
   * @default 30
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Seconds a message is kept (60 to 1123200, 13 days: the dead-letter queue keeps 14, the SQS maximum, and
   * must keep messages longer than its source).
   * @default 345600 (4 days)
   */
  readonly retentionSeconds?: number;
  /**
   * Receives of a message before it moves to the dead-letter queue (1 to 1000).
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * A FIFO queue (exactly-once, ordered); its name gets the `.fifo` suffix in SQS.
   * @default false
   */
  readonly fifo?: boolean;
  /**
   * Name of a queue of the app, declared before this one, that takes this queue's failed messages
   * (a dead-letter queue shared by several queues). It must keep messages longer than this queue.
   * @default - a dead-letter queue of its own, `<name>-dlq`, keeping messages 14 days
   */
  readonly deadLetterQueue?: string;
}

/**
 * A message queue with its dead-letter queue, declared once and bound per tier:
 *
 * - managed: SQS encrypted with SQS-managed keys (SSE-SQS), a dead-letter queue
 *   `<name>-dlq` that keeps messages longer than its source and accepts
 *   redrives from it only, and IAM permissions per service (`grantSend`,
 *   `grantConsume`) through the service's own IRSA role;
 * - in-cluster: the same queues in the app's in-cluster SQS/SNS server, so the
 *   app speaks the SQS API in every tier.
 *
 * The app reads the secret `<name>-queue`: url, arn, region, endpoint
 * (env `<NAME>_QUEUE_URL`, ...).
 */
export class Queue extends Construct implements IQueue {
  public readonly name: string;
  /** Always `queue`. */
  public readonly kind = 'queue' as const;
  public readonly secretName: string;
  public readonly contractKeys = CONTRACT_KEYS.queue;
  public readonly readyAfter: ITerraformDependable[] = [];
  /** True for a FIFO queue (its SQS name ends with `.fifo`). */
  public readonly fifo: boolean;
  /** Seconds a received message stays invisible to other consumers. */
  public readonly visibilityTimeoutSeconds: number;
  /** Seconds a message is kept. */
  public readonly retentionSeconds: number;
  /** Receives of a message before it moves to the dead-letter queue. */
  public readonly maxReceiveCount: number;
  /** The name of the queue failed messages go to (in SQS and in the cluster, without `.fifo`). */
  public readonly deadLetterQueueName: string;
  /** The SQS queue (managed tiers). */
  public readonly queue?: SqsQueue;
  /** Its dead-letter queue of its own, `<name>-dlq` (managed tiers, unless it shares another queue of the app). */
  public readonly deadLetterQueue?: SqsQueue;
  /**
   * The customer-managed key of the queue and its own dead-letter queue, where the tier asks for
   * `customerManagedKeys` (prod): `aws_kms_key.<name>_key`.
   */
  public readonly key?: KmsKey;
  private readonly app: AppStack;
  private readonly topicArns: string[] = [];
  /** Topics whose failed deliveries to this queue its own dead-letter queue keeps. */
  private readonly dlqTopicArns: string[] = [];
  /** The queue this one's failed messages go to, when it shares another's. */
  private sharedDeadLetterQueue?: Queue;

  constructor(scope: Construct, name: string, props: QueueProps = {}) {
    super(scope, AppStack._childId(scope, 'dependency name', name));
    this.app = AppStack.ofScope(this);
    this.name = checkName(this, 'dependency name', name, 40);
    this.app._registerDependency(this);
    this.secretName = secretName(name, 'queue');
    this.fifo = props.fifo ?? false;
    this.visibilityTimeoutSeconds = props.visibilityTimeoutSeconds ?? 30;
    this.retentionSeconds = props.retentionSeconds ?? 4 * DAY;
    this.maxReceiveCount = props.maxReceiveCount ?? 5;
    const dlqRetention = SQS.maxRetention;
    if (!Number.isInteger(this.retentionSeconds) || this.retentionSeconds < SQS.minRetention || this.retentionSeconds > dlqRetention - DAY) {
      fail(this, 'retentionSeconds %v is outside what SQS and the dead-letter queue allow', this.retentionSeconds,
        `use a whole number of seconds from ${SQS.minRetention} to ${dlqRetention - DAY} (13 days): the dead-letter queue keeps messages 14 days, the SQS maximum, and must keep them longer than its source`);
    }
    if (!Number.isInteger(this.visibilityTimeoutSeconds) || this.visibilityTimeoutSeconds < 0 || this.visibilityTimeoutSeconds > SQS.maxVisibility) {
      fail(this, 'visibilityTimeoutSeconds %v is outside SQS limits', this.visibilityTimeoutSeconds, `use a whole number of seconds from 0 to ${SQS.maxVisibility} (12 hours)`);
    }
    if (this.visibilityTimeoutSeconds > this.retentionSeconds) {
      fail(this, `visibilityTimeoutSeconds %v is longer than the retention (${this.retentionSeconds} s)`, this.visibilityTimeoutSeconds,
        'keep the visibility timeout shorter than the retention, or a message expires while a consumer holds it');
    }
    if (!Number.isInteger(this.maxReceiveCount) || this.maxReceiveCount < 1 || this.maxReceiveCount > SQS.maxReceiveCount) {
      fail(this, 'maxReceiveCount %v is outside SQS limits', this.maxReceiveCount, `use a whole number from 1 to ${SQS.maxReceiveCount}`);
    }

    let shared: Queue | undefined;
    if (props.deadLetterQueue !== undefined) {
      if (props.deadLetterQueue === name) {
        fail(this, 'deadLetterQueue %v is the queue itself', props.deadLetterQueue, 'name another queue of the app, or leave it out to get a dead-letter queue of its own');
      }
      const target = this.app.dependency(props.deadLetterQueue);
      if (!(target instanceof Queue)) {
        fail(this, 'deadLetterQueue %v is not a queue declared before this one', props.deadLetterQueue, 'declare that queue first in the same app, or leave it out to get a dead-letter queue of its own');
      }
      if (target.retentionSeconds <= this.retentionSeconds) {
        fail(this, `deadLetterQueue %v keeps messages ${target.retentionSeconds} s, not longer than this queue (${this.retentionSeconds} s)`, props.deadLetterQueue, 'give the dead-letter queue a longer retentionSeconds, or this queue a shorter one');
      }
      if (target.fifo !== this.fifo) {
        fail(this, 'deadLetterQueue %v is not of the same type (FIFO or standard) as this queue', props.deadLetterQueue, 'use a FIFO dead-letter queue for a FIFO queue and a standard one for a standard queue');
      }
      shared = target;
    }
    this.deadLetterQueueName = shared ? shared.name : `${name}-dlq`;
    this.sharedDeadLetterQueue = shared;
    // A queue's own dead-letter queue is `<name>-dlq` in SQS and in the cluster: no other queue may have that name.
    const clash = !shared && this.app.dependency(this.deadLetterQueueName);
    if (clash) {
      fail(this, `the dead-letter queue of queue "${name}" would be named %v, the name of ${clash.node.path}`, this.deadLetterQueueName,
        `rename one of them, or make "${this.deadLetterQueueName}" this queue's dead-letter queue: deadLetterQueue: "${this.deadLetterQueueName}"`);
    }
    const owner = name.endsWith('-dlq') ? this.app.dependency(name.slice(0, -4)) : undefined;
    if (owner instanceof Queue && owner.deadLetterQueueName === name) {
      fail(this, `queue name %v is the name of the dead-letter queue of ${owner.node.path}`, name,
        `rename the queue, or give "${owner.name}" this queue as its dead-letter queue (deadLetterQueue: "${name}", declared before it)`);
    }
    const sqsName = `${this.app.appName}-${this.app.tier.name}-${this.deadLetterQueueName}${this.fifo ? '.fifo' : ''}`;
    if (sqsName.length > 80) {
      fail(this, `queue name %v makes SQS names of ${sqsName.length} characters (${sqsName})`, name, 'SQS allows 80: shorten the queue name (or the app name)');
    }

    if (this.app.tier.managed) {
      const provider = this.app.aws;
      const base = `${this.app.appName}-${this.app.tier.name}-${name}`;
      const suffix = this.fifo ? '.fifo' : '';
      const profile = this.app.tier.profile;
      // Where the tier asks for them, a key of its own for the queue and its dead-letter queue, which
      // SNS may use for the topics that deliver to them.
      this.key = profile.customerManagedKeys ? dataKey(this, 'key', {
        provider,
        what: `the messages of queue ${base} and its dead-letter queue`,
        alias: `switchyard/${base}`,
        logicalId: `${tfId(name)}_key`,
        protect: profile.deletionProtection,
        services: () => {
          const topics = [...new Set([...this.topicArns, ...this.dlqTopicArns])];
          return topics.length === 0 ? [] : [{
            actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            resources: ['*'],
            principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }],
            conditions: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: topics }],
          }];
        },
      }) : undefined;
      const encryption = this.key ? { kmsMasterKeyId: this.key.arn } : { sqsManagedSseEnabled: true };
      if (!shared) {
        this.deadLetterQueue = new SqsQueue(this, 'dlq', {
          provider,
          name: `${base}-dlq${suffix}`,
          fifoQueue: this.fifo || undefined,
          messageRetentionSeconds: dlqRetention,
          ...encryption,
          lifecycle: { preventDestroy: this.app.tier.profile.deletionProtection },
        });
        this.deadLetterQueue.overrideLogicalId(`${tfId(name)}_dlq`);
      }
      const dlqArn = shared ? shared.queue!.arn : this.deadLetterQueue!.arn;
      this.queue = new SqsQueue(this, 'queue', {
        provider,
        name: `${base}${suffix}`,
        fifoQueue: this.fifo || undefined,
        contentBasedDeduplication: this.fifo || undefined,
        visibilityTimeoutSeconds: this.visibilityTimeoutSeconds,
        messageRetentionSeconds: this.retentionSeconds,
        receiveWaitTimeSeconds: 20,
        ...encryption,
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: this.maxReceiveCount }),
        lifecycle: { preventDestroy: this.app.tier.profile.deletionProtection },
      });
      this.queue.overrideLogicalId(`${tfId(name)}_queue`);
      const queueName = `${base}${suffix}`;
      Alerts.of(this.app).alarms(this, name, [
        {
          id: 'oldest-message', description: `Queue ${queueName}: a message has waited more than 15 minutes (consumers down or too slow)`,
          namespace: 'AWS/SQS', metric: 'ApproximateAgeOfOldestMessage', dimensions: { QueueName: queueName },
          statistic: 'Maximum', comparison: 'GreaterThanThreshold', threshold: 900, periods: 1,
        },
        ...(this.deadLetterQueue ? [{
          id: 'dead-letters', description: `Queue ${queueName}: messages failed ${this.maxReceiveCount} times and wait in its dead-letter queue`,
          namespace: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: `${base}-dlq${suffix}` },
          statistic: 'Maximum' as const, comparison: 'GreaterThanThreshold' as const, threshold: 0, periods: 1,
        }] : []),
      ]);
      if (this.deadLetterQueue) {
        const dlq = this.deadLetterQueue;
        new SqsQueueRedriveAllowPolicy(this, 'dlq-redrive-allow', {
          provider,
          queueUrl: dlq.url,
          redriveAllowPolicy: JSON.stringify({ redrivePermission: 'byQueue', sourceQueueArns: [this.queue.arn] }),
        });
        // TLS only; SNS may put here what it could not deliver to this queue from its topics.
        new SqsQueuePolicy(this, 'dlq-delivery', {
          provider,
          queueUrl: dlq.url,
          policy: lazyPolicyDocument(this, 'dlq-delivery-policy', provider, () => [
            ...(this.dlqTopicArns.length ? [{
              actions: ['sqs:SendMessage'],
              resources: [dlq.arn],
              principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }],
              conditions: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [...this.dlqTopicArns] }],
            }] : []),
            { effect: 'Deny', actions: ['sqs:*'], resources: [dlq.arn], principals: [{ type: '*', identifiers: ['*'] }], conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] },
          ]),
        });
      }
      // SNS may deliver to this queue from the topics that subscribe it, and from nothing else.
      new SqsQueuePolicy(this, 'topic-delivery', {
        provider,
        queueUrl: this.queue.url,
        policy: lazyPolicyDocument(this, 'topic-delivery-policy', provider, () => this.topicArns.length === 0
          ? [{ effect: 'Deny', actions: ['sqs:*'], resources: [this.queue!.arn], principals: [{ type: '*', identifiers: ['*'] }], conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] }]
          : [
            {
              actions: ['sqs:SendMessage'],
              resources: [this.queue!.arn],
              principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }],
              conditions: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [...this.topicArns] }],
            },
            { effect: 'Deny', actions: ['sqs:*'], resources: [this.queue!.arn], principals: [{ type: '*', identifiers: ['*'] }], conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] },
          ]),
      });
      const secret = contractSecret(this, this.app, this.secretName, {
        url: this.queue.url,
        arn: this.queue.arn,
        region: this.app.awsRegion,
        endpoint: `https://sqs.${this.app.awsRegion}.amazonaws.com`,
      });
      this.readyAfter.push(this.queue, secret);
    } else {
      const bus = InClusterMessaging.of(this.app);
      bus.addQueue(this);
      const queueName = `${name}${this.fifo ? '.fifo' : ''}`;
      const secret = contractSecret(this, this.app, this.secretName, {
        url: `${bus.endpoint}/${LOCAL.account}/${queueName}`,
        arn: `arn:aws:sqs:${LOCAL.region}:${LOCAL.account}:${queueName}`,
        region: LOCAL.region,
        endpoint: bus.endpoint,
      });
      this.readyAfter.push(bus.deployment, secret);
    }
  }

  /** The queue's ARN in this tier. */
  public get arn(): string {
    return this.queue ? this.queue.arn : `arn:aws:sqs:${LOCAL.region}:${LOCAL.account}:${this.name}${this.fifo ? '.fifo' : ''}`;
  }

  public grantConnect(peer: IConnectable): ITerraformDependable[] {
    // SQS is reached through its API (IAM grants): only the in-cluster server has a network path to open.
    if (!this.queue) InClusterMessaging.of(this.app).allow(peer);
    return [];
  }

  /** Where connected services reach it: the app's messaging server in the cluster; none for SQS (HTTPS to AWS comes with the IAM grant). */
  public get networkDestinations(): readonly NetworkDestination[] {
    return this.queue ? [] : [InClusterMessaging.of(this.app).destination];
  }

  /** @internal */
  public _permissions(action: QueueAction): Statement[] {
    if (!this.queue) return [];
    const send = action === 'send';
    // With a key of its own, a producer encrypts with it; a consumer decrypts, and its receives move
    // failed messages into the dead-letter queue, encrypted with that queue's key.
    const keys = [this.key, this.sharedDeadLetterQueue?.key].filter((k): k is KmsKey => k !== undefined).map((k) => k.arn);
    return [
      send
        ? { actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [this.queue.arn] }
        : { actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'], resources: [this.queue.arn] },
      ...(keys.length > 0 ? [keyUse(send ? [keys[0]] : keys, ['kms:GenerateDataKey', 'kms:Decrypt'], `sqs.${this.app.awsRegion}.amazonaws.com`)] : []),
    ];
  }

  /** Lets a topic deliver to this queue. @internal */
  public _allowTopic(topicArn: string): void {
    if (!this.topicArns.includes(topicArn)) this.topicArns.push(topicArn);
  }

  /**
   * The ARN of the queue that keeps what `topicArn` could not deliver to this one (its dead-letter
   * queue, own or shared), which then admits the topic. Managed tiers. @internal
   */
  public _deadLettersFor(topicArn: string): string {
    if (this.sharedDeadLetterQueue) {
      this.sharedDeadLetterQueue._allowTopic(topicArn);
      return this.sharedDeadLetterQueue.queue!.arn;
    }
    if (!this.dlqTopicArns.includes(topicArn)) this.dlqTopicArns.push(topicArn);
    return this.deadLetterQueue!.arn;
  }
}

/** Properties of a {@link Topic}. */
export interface TopicProps {
  /**
   * A FIFO topic (its subscribers must be FIFO queues).
   * @default false
   */
  readonly fifo?: boolean;
}

/** Options of a subscription. */
export interface SubscribeOptions {
  /**
   * Deliver the message body as published, without the SNS envelope.
   * @default true
   */
  readonly rawMessageDelivery?: boolean;
}

/**
 * A topic for fan-out to queues, declared once and bound per tier: SNS
 * encrypted with KMS (a key of its own where the tier asks for customer-managed keys, else
 * `alias/aws/sns`) in managed tiers, the same topic in the
 * in-cluster SQS/SNS server otherwise. `subscribe(queue)` delivers every
 * message to the queue; `service.grantPublish(topic)` lets a service publish.
 * The app reads the secret `<name>-topic`: arn, region, endpoint.
 */
export class Topic extends Construct implements ITopic {
  public readonly name: string;
  /** Always `topic`. */
  public readonly kind = 'topic' as const;
  public readonly secretName: string;
  public readonly contractKeys = CONTRACT_KEYS.topic;
  public readonly readyAfter: ITerraformDependable[] = [];
  /** True for a FIFO topic (its SNS name ends with `.fifo`; it delivers to FIFO queues only). */
  public readonly fifo: boolean;
  /** The SNS topic (managed tiers). */
  public readonly topic?: SnsTopic;
  /** The customer-managed key of the topic, where the tier asks for one: `aws_kms_key.<name>_key`. */
  public readonly key?: KmsKey;
  /** The queues subscribed. */
  public readonly subscribers: Queue[] = [];
  private readonly app: AppStack;

  constructor(scope: Construct, name: string, props: TopicProps = {}) {
    super(scope, AppStack._childId(scope, 'dependency name', name));
    this.app = AppStack.ofScope(this);
    this.name = checkName(this, 'dependency name', name, 40);
    this.app._registerDependency(this);
    this.secretName = secretName(name, 'topic');
    this.fifo = props.fifo ?? false;
    const topicName = `${name}${this.fifo ? '.fifo' : ''}`;
    if (this.app.tier.managed) {
      const snsName = `${this.app.appName}-${this.app.tier.name}-${topicName}`;
      const profile = this.app.tier.profile;
      this.key = profile.customerManagedKeys ? dataKey(this, 'key', {
        provider: this.app.aws,
        what: `the messages of topic ${snsName}`,
        alias: `switchyard/${snsName.replace(/\.fifo$/, '')}`,
        logicalId: `${tfId(name)}_key`,
        protect: profile.deletionProtection,
      }) : undefined;
      this.topic = new SnsTopic(this, 'topic', {
        provider: this.app.aws,
        name: snsName,
        fifoTopic: this.fifo || undefined,
        // As for FIFO queues: a publisher need not give a deduplication ID (the same in the cluster).
        contentBasedDeduplication: this.fifo || undefined,
        kmsMasterKeyId: this.key ? this.key.arn : 'alias/aws/sns',
      });
      this.topic.overrideLogicalId(`${tfId(name)}_topic`);
      const secret = contractSecret(this, this.app, this.secretName, {
        arn: this.topic.arn,
        region: this.app.awsRegion,
        endpoint: `https://sns.${this.app.awsRegion}.amazonaws.com`,
      });
      this.readyAfter.push(this.topic, secret);
    } else {
      const bus = InClusterMessaging.of(this.app);
      bus.addTopic(this);
      const secret = contractSecret(this, this.app, this.secretName, {
        arn: `arn:aws:sns:${LOCAL.region}:${LOCAL.account}:${topicName}`,
        region: LOCAL.region,
        endpoint: bus.endpoint,
      });
      this.readyAfter.push(bus.deployment, secret);
    }
  }

  private _topicArn?: string;
  /** The SNS topic's ARN, one reference. */
  private get topicArn(): string {
    return (this._topicArn ??= this.topic!.arn);
  }

  /** Delivers every message published to the topic to `queue`. */
  public subscribe(queue: Queue, options: SubscribeOptions = {}): void {
    if (!this.app.owns(queue)) {
      fail(this, 'queue %v belongs to another app or tier', queue.node.path, `subscribe only queues of ${this.app.node.id}`);
    }
    if (queue.fifo !== this.fifo) {
      fail(this, `queue %v is ${queue.fifo ? '' : 'not '}FIFO but the topic is ${this.fifo ? '' : 'not '}FIFO`, queue.name, 'subscribe FIFO queues to FIFO topics and standard queues to standard topics');
    }
    if (this.subscribers.includes(queue)) fail(this, 'queue %v is subscribed twice', queue.name, 'subscribe each queue once');
    this.subscribers.push(queue);
    const raw = options.rawMessageDelivery ?? true;
    if (this.topic && queue.queue) {
      // One reference for every use (each read of `arn` makes a new token, which policies could not dedupe).
      const topicArn = this.topicArn;
      queue._allowTopic(topicArn);
      new SnsTopicSubscription(this, `to-${queue.name}`, {
        provider: this.app.aws,
        topicArn,
        protocol: 'sqs',
        endpoint: queue.queue.arn,
        rawMessageDelivery: raw,
        // What SNS cannot deliver to the queue goes where the queue's own failed messages go.
        redrivePolicy: JSON.stringify({ deadLetterTargetArn: queue._deadLettersFor(topicArn) }),
      });
    } else {
      InClusterMessaging.of(this.app).subscribe(this, queue, raw);
    }
  }

  public grantConnect(peer: IConnectable): ITerraformDependable[] {
    // SNS is reached through its API (IAM grants): only the in-cluster server has a network path to open.
    if (!this.topic) InClusterMessaging.of(this.app).allow(peer);
    return [];
  }

  /** Where connected services reach it: the app's messaging server in the cluster; none for SNS (HTTPS to AWS comes with the IAM grant). */
  public get networkDestinations(): readonly NetworkDestination[] {
    return this.topic ? [] : [InClusterMessaging.of(this.app).destination];
  }

  /** @internal */
  public _permissions(_action: 'publish'): Statement[] {
    if (!this.topic) return [];
    // A publisher of a topic encrypted with a key of its own encrypts with that key.
    return [
      { actions: ['sns:Publish'], resources: [this.topic.arn] },
      ...(this.key ? [keyUse([this.key.arn], ['kms:GenerateDataKey*', 'kms:Decrypt'], `sns.${this.app.awsRegion}.amazonaws.com`)] : []),
    ];
  }
}

/** A contract secret whose values are not secret (names, ARNs, endpoints): written by Terraform directly. */
function contractSecret(scope: Construct, app: AppStack, name: string, data: Record<string, string>): SecretV1 {
  return new SecretV1(scope, 'connection-secret', {
    provider: app.kubernetes,
    metadata: { name, namespace: app.namespace, labels: { 'app.kubernetes.io/part-of': app.appName, 'app.kubernetes.io/managed-by': 'switchyard' } },
    data,
    dependsOn: [app.namespaceResource],
  });
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
      data: { 'setup.json': Lazy.stringValue({ produce: () => JSON.stringify(this.setupSpec(), null, 2) }), 'ensure.py': ENSURE_SCRIPT },
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
      rules: () => (this.peers.length === 0 ? [] : [{ peers: this.peers.map((p) => podPeer(p.podSelector)), ports: tcp(LOCAL.port) }]),
    });
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

/** The sidecar that keeps the in-cluster queues, topics and subscriptions in place. */
const ENSURE_SCRIPT = `# Keeps the queues, topics and subscriptions of setup.json in the local SQS/SNS server.
# Idempotent; runs every 30 seconds and touches /tmp/ready after each pass that succeeded.
import json, os, sys, time
import boto3

spec = json.load(open(sys.argv[1]))
endpoint = os.environ["ENDPOINT"]
sqs = boto3.client("sqs", endpoint_url=endpoint)
sns = boto3.client("sns", endpoint_url=endpoint)


def queue_url(name, fifo):
    # FIFO with content-based deduplication, as in SQS, so a publisher works the same in every tier.
    return sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {})["QueueUrl"]


def queue_arn(url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def ensure():
    names = {q["name"] for q in spec["queues"]}
    # Dead-letter queues of their own keep messages 14 days; a shared one is a queue of the spec.
    for q in spec["queues"]:
        if q["deadLetterQueue"] not in names:
            sqs.set_queue_attributes(QueueUrl=queue_url(q["deadLetterQueue"], q["fifo"]), Attributes={"MessageRetentionPeriod": "1209600"})
    arns = {}
    for q in spec["queues"]:
        url = queue_url(q["name"], q["fifo"])
        sqs.set_queue_attributes(QueueUrl=url, Attributes={
            "VisibilityTimeout": str(q["visibilityTimeoutSeconds"]),
            "MessageRetentionPeriod": str(q["retentionSeconds"]),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": queue_arn(queue_url(q["deadLetterQueue"], q["fifo"])), "maxReceiveCount": q["maxReceiveCount"]}),
        })
        arns[q["name"]] = queue_arn(url)
    topics = {}
    for t in spec["topics"]:
        attributes = {"FifoTopic": "true", "ContentBasedDeduplication": "true"} if t["fifo"] else {}
        topics[t["name"]] = sns.create_topic(Name=t["name"], Attributes=attributes)["TopicArn"]
    for s in spec["subscriptions"]:
        existing = sns.list_subscriptions_by_topic(TopicArn=topics[s["topic"]])["Subscriptions"]
        if not any(e["Endpoint"] == arns[s["queue"]] for e in existing):
            sns.subscribe(TopicArn=topics[s["topic"]], Protocol="sqs", Endpoint=arns[s["queue"]],
                          Attributes={"RawMessageDelivery": "true" if s["raw"] else "false"})


while True:
    try:
        ensure()
        open("/tmp/ready", "w").close()
    except Exception as error:  # the server may be starting or restarting
        print("setup pending:", error, flush=True)
    time.sleep(30)
`;
