import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReturnMessage } from './message-visibility.ts';

/** SQS counts visibility in whole seconds (at most 12 hours): rounded up, so the message never comes back early. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

export function createSqsMessageReturn(options: { client: SQSClient; queueUrl: string }): ReturnMessage {
  return async (receiptHandle, afterMs) => {
    await options.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: options.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(1, Math.ceil(afterMs / 1000))),
      }),
    );
  };
}
