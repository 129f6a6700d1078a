import { isSet, PolicyRule, violation } from '../../rule';

/**
 * SY-SNS-2: every SNS subscription has a dead-letter queue.
 *
 * `redrive_policy` on each `aws_sns_topic_subscription`: a message SNS
 * cannot deliver once its retries are spent (an HTTPS endpoint down, a queue
 * whose policy refuses it, a key it may not use) goes to an SQS queue instead
 * of being dropped.
 *
 * Checkov has no such check.
 *
 * - Checkov: none
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const snsSubscriptionDeadLetterQueue: PolicyRule = {
  id: 'SY-SNS-2',
  title: 'SNS subscription has a dead-letter queue',
  resourceTypes: ['aws_sns_topic_subscription'],
  appliesIn: 'every-tier',
  checkov: [],
  fsbp: [],
  check(r) {
    if (isSet(r.config.redrive_policy)) return [];
    return [violation(`the ${String(r.config.protocol ?? '')} subscription has no redrive_policy`, undefined,
      'give it a dead-letter queue: redrive_policy = jsonencode({ deadLetterTargetArn = <queue>.arn }), a queue whose policy lets SNS send from the topic')];
  },
};
