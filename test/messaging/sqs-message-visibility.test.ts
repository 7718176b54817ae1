import { CreateQueueCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../lib/cli/local-resources.ts';
import { createSqsMessageHandBack } from '../../lib/messaging/sqs-message-visibility.ts';
import { startSqsAndSns } from '../../local/aws/fauxqs.ts';

/** A message handed back as a new one, against SQS emulated by fauxqs alone. */
const REGION = 'us-east-1';
let close: () => Promise<void>;
let sqs: SQSClient;
/** The DelaySeconds of every SendMessage the client sent, as it went on the wire. */
const delays: (number | undefined)[] = [];

beforeAll(async () => {
  const upstream = await startSqsAndSns(REGION);
  close = upstream.close;
  sqs = new SQSClient({ endpoint: upstream.origin, region: REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'SendMessageCommand') delays.push((args.input as { DelaySeconds?: number }).DelaySeconds);
      return next(args);
    },
    { step: 'initialize' },
  );
});
afterAll(async () => {
  sqs.destroy();
  await close();
});

let queues = 0;
async function newQueue(): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `hand-back-${++queues}` }));
  if (!QueueUrl) throw new Error('no queue URL');
  return QueueUrl;
}

const receive = async (queueUrl: string): Promise<Message[]> =>
  (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }))).Messages ?? [];

describe('SQS hand-back', () => {
  it('sends a copy that cannot be received before its delay (rounded up to whole seconds), and can after, body and attributes intact', async () => {
    const queueUrl = await newQueue();
    const body = JSON.stringify({ items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] });
    const sentAt = Date.now();
    // 1.2 s: a delay rounded down or to the nearest second would deliver it after 1 s.
    await createSqsMessageHandBack({ client: sqs, queueUrl })({ body, attributes: { requestId: 'r1', handBacks: '3', batch: 'nightly' } }, 1_200);
    await expect(receive(queueUrl)).resolves.toEqual([]);

    let received: Message[] = [];
    while (received.length === 0 && Date.now() - sentAt < 4_500) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      received = await receive(queueUrl);
    }
    const receivedAfterMs = Date.now() - sentAt;
    expect(receivedAfterMs).toBeGreaterThanOrEqual(2_000);
    expect(received).toHaveLength(1);
    expect(received[0]?.Body).toBe(body);
    expect(received[0]?.MessageAttributes).toEqual({
      requestId: { DataType: 'String', StringValue: 'r1' },
      handBacks: { DataType: 'String', StringValue: '3' },
      batch: { DataType: 'String', StringValue: 'nightly' },
    });
  });

  it('delays by at least a second and at most the 15 minutes SQS allows', async () => {
    const queueUrl = await newQueue();
    const handBack = createSqsMessageHandBack({ client: sqs, queueUrl });
    delays.length = 0;
    await handBack({ body: 'now', attributes: {} }, 0);
    await handBack({ body: 'in an hour', attributes: {} }, 3_600_000);
    expect(delays).toEqual([1, 900]);
    await expect(receive(queueUrl)).resolves.toEqual([]);
  });
});
