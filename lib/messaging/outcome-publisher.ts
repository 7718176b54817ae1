import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { BatchCompleted, BatchEnqueued } from '../scheduled/run-events.ts';
import { outcomeAttributes, type Outcome } from '../order/outcome.ts';
import { chunks } from '../platform/chunks.ts';

/** Everything published on the outcomes topic: order outcomes and batch events. */
export type Publishable = Outcome | BatchEnqueued | BatchCompleted;

/** Publishes documents; resolves to the `outcomeId`s of those that could not be published. */
export type PublishOutcomes = (documents: Publishable[]) => Promise<Set<string>>;

/** Order outcomes carry their status and request id; batch events only their type. */
const attributesOf = (document: Publishable) =>
  'requestId' in document ? outcomeAttributes(document) : { type: { DataType: 'String' as const, StringValue: document.type } };

const SNS_BATCH_LIMIT = 10;

export function createSnsOutcomePublisher(options: { client: SNSClient; topicArn: string }): PublishOutcomes {
  return async (outcomes) => {
    const failed = new Set<string>();
    await Promise.all(
      chunks(outcomes, SNS_BATCH_LIMIT).map(async (chunk) => {
        try {
          const response = await options.client.send(
            new PublishBatchCommand({
              TopicArn: options.topicArn,
              PublishBatchRequestEntries: chunk.map((outcome, index) => ({
                Id: String(index),
                Message: JSON.stringify(outcome),
                MessageAttributes: attributesOf(outcome),
              })),
            }),
          );
          for (const entry of response.Failed ?? []) {
            const outcome = chunk[Number(entry.Id)];
            if (outcome) failed.add(outcome.outcomeId);
          }
        } catch {
          // The SDK already retried; these outcomes stay in the ledger and their messages are redelivered.
          for (const outcome of chunk) failed.add(outcome.outcomeId);
        }
      }),
    );
    return failed;
  };
}
