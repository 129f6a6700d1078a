# Keeps the queues, topics and subscriptions of setup.json in the local SQS/SNS server.
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
