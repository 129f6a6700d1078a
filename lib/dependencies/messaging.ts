/**
 * Messaging dependencies: {@link Queue} and {@link Topic}, bound to SQS and SNS in managed tiers and
 * to the app's in-cluster stand-in ({@link InClusterMessaging}) otherwise.
 */
export { InClusterMessaging, MESSAGING_IMAGE } from './messaging/server';
export { Queue, QueueProps } from './messaging/queue';
export { SubscribeOptions, Topic, TopicProps } from './messaging/topic';
