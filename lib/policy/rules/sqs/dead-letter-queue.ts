import { isSet, PolicyResource, PolicyRule, RuleContext, violation } from '../../rule';

/** True when `text` mentions an attribute of `address` (`aws_sqs_queue.orders.arn` in `${...}` or jsonencode). */
function mentions(text: unknown, address: string, attributes: string[]): boolean {
  if (typeof text !== 'string') return false;
  return attributes.some((a) => text.includes(`${address}.${a}`));
}

/** A redrive allow policy that lets some queue use this one as its dead-letter queue (not `denyAll`). */
function allowsRedrive(policy: unknown): boolean {
  if (!isSet(policy)) return false;
  return !(typeof policy === 'string' && /"redrivePermission"\s*[:=]\s*"denyAll"/.test(policy));
}

/** Queues of the stack that send their failed messages to `queue`, and whether it allows redrive to it. */
function isDeadLetterQueue(queue: PolicyResource, ctx: RuleContext): boolean {
  if (allowsRedrive(queue.config.redrive_allow_policy)) return true;
  if (ctx.resources('aws_sqs_queue_redrive_allow_policy').some((p) => mentions(p.config.queue_url, queue.address, ['url', 'id']) && allowsRedrive(p.config.redrive_allow_policy))) return true;
  const policies = [
    ...ctx.resources('aws_sqs_queue').map((q) => q.config.redrive_policy),
    ...ctx.resources('aws_sqs_queue_redrive_policy').map((p) => p.config.redrive_policy),
    // The dead-letter queue of an SNS subscription.
    ...ctx.resources('aws_sns_topic_subscription').map((s) => s.config.redrive_policy),
  ];
  return policies.some((p) => mentions(p, queue.address, ['arn']));
}

/**
 * SY-SQS-2: every queue that is not itself a dead-letter queue has one.
 *
 * An `aws_sqs_queue` needs a `redrive_policy` (inline or an
 * `aws_sqs_queue_redrive_policy` of the same stack for that queue), so a
 * message that keeps failing is set aside instead of being retried until it
 * expires. A queue is a dead-letter queue when another queue's redrive policy
 * (or an SNS subscription's) in the stack targets its ARN, or when it has a redrive allow policy (inline
 * or `aws_sqs_queue_redrive_allow_policy`) that admits some source (not
 * `denyAll`): declare one on a DLQ whose sources live in another stack.
 *
 * Checkov has no such check: this is one of the gaps this pack fills.
 *
 * - Checkov: none
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const sqsDeadLetterQueue: PolicyRule = {
  id: 'SY-SQS-2',
  title: 'SQS queue has a dead-letter queue',
  resourceTypes: ['aws_sqs_queue'],
  appliesIn: 'every-tier',
  checkov: [],
  fsbp: [],
  check(r, ctx) {
    if (isSet(r.config.redrive_policy)) return [];
    if (ctx.resources('aws_sqs_queue_redrive_policy').some((p) => mentions(p.config.queue_url, r.address, ['url', 'id']))) return [];
    if (isDeadLetterQueue(r, ctx)) return [];
    return [violation('redrive_policy is not set, and no queue of this stack uses this one as its dead-letter queue', undefined,
      'give it a dead-letter queue (redrive_policy = jsonencode({ deadLetterTargetArn = <dlq>.arn, maxReceiveCount = 5 })), or, if it is a DLQ for queues of another stack, set its redrive_allow_policy')];
  },
};
