import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../lib/cli/local-resources.ts';
import { createSnsOutcomePublisher } from '../../lib/messaging/sns-outcome-publisher.ts';
import { createSqsBatchEnqueuer, createSqsOrderQueue } from '../../lib/messaging/sqs-order-queue.ts';
import type { OrderMessage } from '../../lib/order/order-request.ts';
import type { BatchEnqueued } from '../../lib/scheduled/run-events.ts';
import { startSqsAndSns } from '../../local/aws/fauxqs.ts';
import { outcomeOf } from '../ledger/support.ts';

/** The outcome publisher and the order queue against SQS and SNS emulated by fauxqs alone. */
const REGION = 'us-east-1';
let close: () => Promise<void>;
let sqs: SQSClient;
let sns: SNSClient;

beforeAll(async () => {
  const upstream = await startSqsAndSns(REGION);
  close = upstream.close;
  const config = { endpoint: upstream.origin, region: REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  sqs = new SQSClient(config);
  sns = new SNSClient(config);
});
afterAll(async () => {
  sqs.destroy();
  sns.destroy();
  await close();
});

let queues = 0;
async function newQueue(): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `test-${++queues}` }));
  if (!QueueUrl) throw new Error('no queue URL');
  return QueueUrl;
}

async function receiveAll(queueUrl: string, expected: number): Promise<Message[]> {
  const received: Message[] = [];
  for (let polls = 0; received.length < expected && polls < 20; polls++) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    received.push(...Messages);
  }
  return received;
}

describe('SNS outcome publisher', () => {
  it('publishes outcomes and batch events in batches of ten, with the attributes subscribers filter on', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'outcomes' }));
    const queueUrl = await newQueue();
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));

    const outcomes = Array.from({ length: 11 }, (_, index) => outcomeOf(`r${index}`, index % 2 === 0 ? 'succeeded' : 'failed'));
    const enqueued: BatchEnqueued = { version: 1, outcomeId: 'batch.enqueued:p:t', type: 'batch.enqueued', plan: 'p', run: 'p:t', scheduledAt: 't', size: 11, enqueuedAt: 't' };
    const publish = createSnsOutcomePublisher({ client: sns, topicArn: TopicArn ?? '' });
    await expect(publish([...outcomes, enqueued])).resolves.toEqual(new Set());

    const received = await receiveAll(queueUrl, 12);
    expect(received).toHaveLength(12);
    const byId = new Map(received.map((message) => [JSON.parse(message.Body ?? '{}').outcomeId as string, message]));
    const first = byId.get(outcomes[1]?.outcomeId ?? '');
    expect(JSON.parse(first?.Body ?? '{}')).toEqual(outcomes[1]);
    expect(first?.MessageAttributes).toEqual({
      kind: { DataType: 'String', StringValue: 'order' },
      type: { DataType: 'String', StringValue: 'order.failed' },
      status: { DataType: 'String', StringValue: 'failed' },
      requestId: { DataType: 'String', StringValue: 'r1' },
    });
    expect(byId.get(enqueued.outcomeId)?.MessageAttributes).toEqual({ type: { DataType: 'String', StringValue: 'batch.enqueued' } });
  });

  it('reports every document it could not publish', async () => {
    const publish = createSnsOutcomePublisher({ client: sns, topicArn: `arn:aws:sns:${REGION}:000000000000:no-such-topic` });
    const outcomes = [outcomeOf('a', 'succeeded'), outcomeOf('b', 'failed')];
    await expect(publish(outcomes)).resolves.toEqual(new Set(outcomes.map((outcome) => outcome.outcomeId)));
  });
});

describe('SQS order queue', () => {
  it('queues one order as producers do: its request id beside the order’s fields', async () => {
    const queueUrl = await newQueue();
    await createSqsOrderQueue({ client: sqs, queueUrl })('r1', { items: [{ item_id: 'item-a', quantity: 2 }], payment_method_id: 7 });
    const [message] = await receiveAll(queueUrl, 1);
    expect(JSON.parse(message?.Body ?? '{}')).toEqual({ requestId: 'r1', items: [{ item_id: 'item-a', quantity: 2 }], payment_method_id: 7 });
  });

  it('queues many orders ten to a call, every one of them', async () => {
    const queueUrl = await newQueue();
    const messages: OrderMessage[] = Array.from({ length: 23 }, (_, index) => ({ requestId: `r${index}`, items: [{ item_id: 'item-a', quantity: 1 }] }));
    await createSqsBatchEnqueuer({ client: sqs, queueUrl, concurrency: 2 })(messages);
    const received = await receiveAll(queueUrl, 23);
    expect(received.map((message) => JSON.parse(message.Body ?? '{}').requestId).sort()).toEqual(messages.map((message) => message.requestId).sort());
  });

  it('rejects when the queue does not take the messages', async () => {
    const queueUrl = (await newQueue()).replace(/[^/]+$/, 'no-such-queue');
    await expect(createSqsOrderQueue({ client: sqs, queueUrl })('r1', { items: [{ item_id: 'item-a', quantity: 1 }] })).rejects.toThrow();
    await expect(createSqsBatchEnqueuer({ client: sqs, queueUrl })([{ requestId: 'r1', items: [{ item_id: 'item-a', quantity: 1 }] }])).rejects.toThrow();
  });
});
