import { type MessageAttributeValue, PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import { chunks } from '../platform/chunks.ts';
import type { Publishable, PublishOutcomes } from './outcome-publisher.ts';

/**
 * SNS message attributes subscribers filter on (filter policies match these, not the body): order outcomes
 * carry their type, status, request id and kind (`order`, `vps`, `domain`, `renewal`); batch events only their type.
 */
export function publishedAttributes(document: Publishable): Record<string, MessageAttributeValue> {
  const text = (value: string) => ({ DataType: 'String', StringValue: value });
  return 'requestId' in document
    ? { type: text(document.type), status: text(document.status), requestId: text(document.requestId), kind: text(('kind' in document ? document.kind : undefined) ?? 'order') }
    : { type: text(document.type) };
}

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
                MessageAttributes: publishedAttributes(outcome),
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
