import type { AppStack } from '../app-stack';
import { alertTopicName } from '../platform/addons/monitoring-names';
import {
  CloudwatchMetricAlarm, Construct, DataAwsCallerIdentity, DataAwsPartition, KmsKey, Manifest, SnsTopic, SnsTopicSubscription,
  SqsQueue, SqsQueuePolicy,
} from '../private/cdk';
import { fail } from '../private/errors';
import { policyDocument } from '../private/iam';

/** Where a tier's alerts go. */
export interface AlertSubscriptions {
  /**
   * Email addresses (each confirms the subscription once, from the email SNS sends).
   * @default []
   */
  readonly email?: string[];
  /**
   * HTTPS endpoints (a chat or paging webhook); they must confirm the subscription.
   * @default []
   */
  readonly https?: string[];
}

/** Checks alert subscriptions: real email addresses and https:// URLs only. */
export function checkSubscriptions(where: string, subs: AlertSubscriptions): void {
  for (const e of subs.email ?? []) {
    if (!/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(e)) fail(where, 'alert email %v is not an email address', e, 'give an address such as "oncall@example.com"');
  }
  for (const u of subs.https ?? []) {
    let ok = false;
    try {
      const url = new URL(u);
      ok = url.protocol === 'https:' && url.hostname.includes('.');
    } catch {
      ok = false;
    }
    if (!ok) fail(where, 'alert endpoint %v is not an https:// URL', u, 'give the https:// URL of a webhook (plain http would send alerts in clear)');
  }
}

/** One CloudWatch alarm on a metric of a managed dependency. */
export interface AlarmSpec {
  /** Short name, unique in the dependency (e.g. "cpu"). */
  readonly id: string;
  readonly description: string;
  readonly namespace: string;
  readonly metric: string;
  readonly dimensions: Record<string, string>;
  readonly statistic: 'Average' | 'Maximum' | 'Minimum' | 'Sum';
  readonly comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
  readonly threshold: number;
  /** Periods of 5 minutes the condition must hold. */
  readonly periods: number;
}

/**
 * The alert topic of an app in a managed tier, `<app>-<tier>-alerts`: SNS
 * encrypted with a KMS key of its own (CloudWatch cannot publish to a topic
 * encrypted with the AWS-managed key), with the subscriptions given to the
 * AppStack. Managed dependencies add their CloudWatch alarms to it (they
 * notify on alarm and on recovery); monitored services route their
 * Prometheus alerts to it through Alertmanager.
 */
export class Alerts extends Construct {
  /** The app's alerts (made on first use). */
  public static of(app: AppStack): Alerts {
    return (app.node.tryFindChild('alerts') as Alerts | undefined) ?? new Alerts(app);
  }

  public readonly topic: SnsTopic;
  private readonly app: AppStack;

  private constructor(app: AppStack) {
    super(app, 'alerts');
    this.app = app;
    const provider = app.aws;
    const account = new DataAwsCallerIdentity(this, 'account', { provider });
    const partition = new DataAwsPartition(this, 'partition', { provider });
    const cmk = app.tier.profile.customerManagedKeys;
    // Spelled out, not read from the topic: the key policy names the topic that the key encrypts.
    const topicArn = `arn:${partition.partition}:sns:${app.awsRegion}:${account.accountId}:${alertTopicName(app.node.id)}`;
    const key = new KmsKey(this, 'key', {
      provider,
      description: `Alert topic of ${app.node.id}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy: app.tier.profile.deletionProtection },
      policy: policyDocument(this, 'key-policy', provider, [
        {
          actions: ['kms:*'],
          resources: ['*'],
          principals: [{ type: 'AWS', identifiers: [`arn:${partition.partition}:iam::${account.accountId}:root`] }],
        },
        {
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          conditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account.accountId] }],
        },
        // Where the tier asks for customer-managed keys, the dead-letter queue of the alert deliveries is
        // encrypted with this key too, and SNS puts there what it could not deliver from this topic.
        ...(cmk ? [{
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }],
          conditions: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [topicArn] }],
        }] : []),
      ]),
    });
    // Messages of the topic are encrypted with it: its address is kept stable, `aws_kms_key.alerts_key`.
    key.overrideLogicalId('alerts_key');
    this.topic = new SnsTopic(this, 'topic', {
      provider,
      name: alertTopicName(app.node.id),
      kmsMasterKeyId: key.arn,
    });
    const subs = app.alertSubscriptions;
    if ((subs.email ?? []).length + (subs.https ?? []).length > 0) {
      // An alert SNS could not deliver (an endpoint down past SNS's retries) is kept, not lost.
      const dlq = new SqsQueue(this, 'delivery-dlq', {
        provider,
        name: `${alertTopicName(app.node.id)}-dlq`,
        messageRetentionSeconds: 14 * 24 * 3600,
        ...(cmk ? { kmsMasterKeyId: key.arn } : { sqsManagedSseEnabled: true }),
        lifecycle: { preventDestroy: app.tier.profile.deletionProtection },
      });
      // It keeps alerts nobody received yet: its address is kept stable, `aws_sqs_queue.alerts_dlq`.
      dlq.overrideLogicalId('alerts_dlq');
      new SqsQueuePolicy(this, 'delivery-dlq-policy', {
        provider,
        queueUrl: dlq.url,
        policy: policyDocument(this, 'delivery-dlq-access', provider, [
          {
            actions: ['sqs:SendMessage'],
            resources: [dlq.arn],
            principals: [{ type: 'Service', identifiers: ['sns.amazonaws.com'] }],
            conditions: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [this.topic.arn] }],
          },
          { effect: 'Deny', actions: ['sqs:*'], resources: [dlq.arn], principals: [{ type: '*', identifiers: ['*'] }], conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] },
        ]),
      });
      const redrivePolicy = JSON.stringify({ deadLetterTargetArn: dlq.arn });
      (subs.email ?? []).forEach((endpoint, i) => new SnsTopicSubscription(this, `email-${i}`, { provider, topicArn: this.topic.arn, protocol: 'email', endpoint, redrivePolicy }));
      (subs.https ?? []).forEach((endpoint, i) => new SnsTopicSubscription(this, `https-${i}`, { provider, topicArn: this.topic.arn, protocol: 'https', endpoint, redrivePolicy }));
      this.alarms(this, 'alerts', [{
        id: 'undelivered', description: `Alerts of ${app.node.id} that SNS could not deliver wait in ${alertTopicName(app.node.id)}-dlq`,
        namespace: 'AWS/SQS', metric: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: `${alertTopicName(app.node.id)}-dlq` },
        statistic: 'Maximum', comparison: 'GreaterThanThreshold', threshold: 0, periods: 1,
      }]);
    }
  }

  /** The AlertmanagerConfig that sends the app's Prometheus alerts to the topic, once some service is monitored. */
  public prometheusRoute?: Manifest;

  /**
   * Routes the Prometheus alerts of the app's namespace to the topic: an AlertmanagerConfig
   * (kube-prometheus-stack's Alertmanager selects it, limited to this namespace) with an SNS
   * receiver; Alertmanager publishes through its IRSA role, which may publish to the alert
   * topics of the tier. Made once.
   */
  public routePrometheusAlerts(): Manifest {
    if (this.prometheusRoute) return this.prometheusRoute;
    const app = this.app;
    this.prometheusRoute = new Manifest(this, 'alertmanager-route', {
      provider: app.kubernetes,
      manifest: {
        apiVersion: 'monitoring.coreos.com/v1alpha1',
        kind: 'AlertmanagerConfig',
        metadata: { name: `${app.appName}-alerts`, namespace: app.namespace, labels: { 'app.kubernetes.io/part-of': app.appName, 'app.kubernetes.io/managed-by': 'switchyard' } },
        spec: {
          route: {
            receiver: 'alert-topic',
            groupBy: ['alertname', 'service', 'switchyard_dev_slot'],
            groupWait: '30s',
            groupInterval: '5m',
            repeatInterval: '4h',
          },
          receivers: [{
            name: 'alert-topic',
            snsConfigs: [{
              topicARN: this.topic.arn,
              sigv4: { region: app.awsRegion },
              subject: `[${app.node.id}] {{ .CommonLabels.alertname }} ({{ .Status }})`,
              sendResolved: true,
            }],
          }],
        },
      },
      dependsOn: [app.namespaceResource, this.topic],
    });
    return this.prometheusRoute;
  }

  /** Adds the alarms of a dependency, named `<stack>-<dependency>-<id>`. */
  public alarms(scope: Construct, dependency: string, specs: AlarmSpec[]): CloudwatchMetricAlarm[] {
    // One reference for every alarm (each read of `arn` makes a new token).
    const topicArn = this.topic.arn;
    return specs.map((a) => new CloudwatchMetricAlarm(scope, `alarm-${a.id}`, {
      provider: this.app.aws,
      alarmName: `${this.app.node.id}-${dependency}-${a.id}`,
      alarmDescription: a.description,
      namespace: a.namespace,
      metricName: a.metric,
      dimensions: a.dimensions,
      statistic: a.statistic,
      comparisonOperator: a.comparison,
      threshold: a.threshold,
      period: 300,
      evaluationPeriods: a.periods,
      treatMissingData: 'notBreaching',
      alarmActions: [topicArn],
      okActions: [topicArn],
    }));
  }
}
