import type { SQSEvent } from 'aws-lambda';
import type { Outcome } from '../outcome.ts';
import { startSqsEventSource, type SqsEventSource } from './sqs-event-source.ts';
import { subscribeQueueToOutcomes, type LocalStack } from './stack.ts';

/** Calls `onOutcome` for every outcome published to the stack's topic, through a queue subscribed to it. */
export async function watchOutcomes(stack: LocalStack, queueName: string, onOutcome: (outcome: Outcome) => void): Promise<SqsEventSource> {
  const queueUrl = await subscribeQueueToOutcomes(stack, queueName);
  return startSqsEventSource({
    client: stack.clients.sqs,
    queueUrl,
    queueArn: `arn:aws:sqs:${stack.resources.region}:000000000000:${queueName}`,
    region: stack.resources.region,
    functionName: 'outcomeWatcher',
    handler: async (event: SQSEvent) => {
      for (const record of event.Records) onOutcome(JSON.parse(record.body) as Outcome);
    },
    batchSize: 10,
    concurrency: 1,
    functionTimeoutMs: 10_000,
  });
}

/** One line per outcome, for a terminal. */
export function formatOutcome(outcome: Outcome): string {
  const parts = [`${outcome.type.padEnd(15)} request=${outcome.requestId} attempts=${outcome.attempts}`];
  if (outcome.order) {
    const { id, status, total, currency } = outcome.order;
    parts.push(`order=${id} (${status}${total != null ? `, total ${(total / 100).toFixed(2)} ${currency ?? ''}` : ''})`);
  }
  if (outcome.error) {
    const { httpStatus, code, message, fieldErrors } = outcome.error;
    const fields = fieldErrors ? ` ${Object.entries(fieldErrors).map(([field, messages]) => `${field}: ${messages.join(' ')}`).join('; ')}` : '';
    parts.push(`error=${httpStatus ?? code ?? ''} ${message}${fields}`);
  }
  return parts.join(' ');
}
