import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../local/aws/index.ts';
import { type SqsEventSource, startSqsEventSource } from '../local/sqs-event-source.ts';

let aws: LocalAws | undefined;
let source: SqsEventSource | undefined;
let sqs: SQSClient | undefined;
afterEach(async () => {
  await source?.stop();
  sqs?.destroy();
  await aws?.close();
});

async function queueOf(messages: number): Promise<{ queueUrl: string; queueArn: string }> {
  aws = await startLocalAws();
  sqs = new SQSClient({ endpoint: aws.endpoint, region: aws.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'events', Attributes: { VisibilityTimeout: '30' } }));
  const queueUrl = QueueUrl as string;
  for (let start = 0; start < messages; start += 10) {
    const entries = Array.from({ length: Math.min(10, messages - start) }, (_, i) => ({ Id: String(i), MessageBody: String(start + i) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return { queueUrl, queueArn: Attributes?.QueueArn as string };
}

describe("the local SQS event source with more pollers than invocations (Lambda's under a backlog)", () => {
  it('never runs more invocations at once than its concurrency, and handles every message once', async () => {
    const { queueUrl, queueArn } = await queueOf(40);
    const seen: string[] = [];
    let running = 0;
    let most = 0;
    source = startSqsEventSource({
      client: sqs as SQSClient,
      queueUrl,
      queueArn,
      region: 'us-east-1',
      functionName: 'worker',
      batchSize: 5,
      concurrency: 2,
      pollers: 4,
      functionTimeoutMs: 5_000,
      handler: async (event) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 30));
        seen.push(...event.Records.map((record) => record.body));
        running -= 1;
      },
    });
    for (let waited = 0; source.stats().deleted < 40 && waited < 15_000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(source.stats().deleted).toBe(40);
    expect(most).toBe(2);
    expect(new Set(seen).size).toBe(40);
    expect(seen).toHaveLength(40);
    await source.stop();
  });
});
