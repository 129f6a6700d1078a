import { AppStack } from '../../app-stack';
import { Construct, ITerraformDependable, KmsKey, SqsQueue, SqsQueuePolicy, SqsQueueRedriveAllowPolicy } from '../../private/cdk';
import { fail } from '../../private/errors';
import { dataKey, keyUse } from '../../private/kms';
import { Alerts } from '../../observability/alarms';
import { lazyPolicyDocument, Statement } from '../../private/iam';
import { checkName, tfId } from '../../private/names';
import { CONTRACT_KEYS, IConnectable, IQueue, NetworkDestination, QueueAction, secretName } from '../contract';
import { contractSecret } from './contract-secret';
import { InClusterMessaging, LOCAL } from './server';

/** The SQS limits Switchyard checks at synth. */
const SQS = { minRetention: 60, maxRetention: 1_209_600, maxVisibility: 43_200, maxReceiveCount: 1000 };
const DAY = 86_400;

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

  /**
   * Where a scaler (KEDA's operator) reads the queue's depth in this tier: the queue's URL and region,
   * and in the cluster the messaging server's endpoint. @internal
   */
  public _depthSource(): { readonly url: string; readonly region: string; readonly endpoint?: string } {
    if (this.queue) return { url: this.queue.url, region: this.app.awsRegion };
    const bus = InClusterMessaging.of(this.app);
    return { url: `${bus.endpoint}/${LOCAL.account}/${this.name}${this.fifo ? '.fifo' : ''}`, region: LOCAL.region, endpoint: bus.endpoint };
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
