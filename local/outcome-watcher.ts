import type { SQSEvent } from 'aws-lambda';
import type { Publishable } from '../lib/messaging/outcome-publisher.ts';
import { type SqsEventSource, startSqsEventSource } from './sqs-event-source.ts';
import { type LocalStack, subscribeQueueToOutcomes } from './stack.ts';

/** Calls `onOutcome` for every document (order outcome or batch event) published to the stack's topic, through a queue subscribed to it. */
export async function watchOutcomes(stack: LocalStack, queueName: string, onOutcome: (outcome: Publishable) => void): Promise<SqsEventSource> {
  const queueUrl = await subscribeQueueToOutcomes(stack, queueName);
  return startSqsEventSource({
    client: stack.clients.sqs,
    queueUrl,
    queueArn: `arn:aws:sqs:${stack.resources.region}:000000000000:${queueName}`,
    region: stack.resources.region,
    functionName: 'outcomeWatcher',
    handler: async (event: SQSEvent) => {
      for (const record of event.Records) onOutcome(JSON.parse(record.body) as Publishable);
    },
    batchSize: 10,
    concurrency: 1,
    functionTimeoutMs: 10_000,
  });
}
