import { AppStack } from '../../app-stack';
import { Construct, ITerraformDependable, KmsKey, SnsTopic, SnsTopicSubscription } from '../../private/cdk';
import { fail } from '../../private/errors';
import { dataKey, keyUse } from '../../private/kms';
import { Statement } from '../../private/iam';
import { checkName, tfId } from '../../private/names';
import { CONTRACT_KEYS, IConnectable, ITopic, NetworkDestination, secretName } from '../contract';
import { contractSecret } from './contract-secret';
import type { Queue } from './queue';
import { InClusterMessaging, LOCAL } from './server';

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
