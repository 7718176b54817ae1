import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { HandBackMessage, ReturnMessage } from './message-visibility.ts';

/** SQS counts visibility in whole seconds (at most 12 hours): rounded up, so the message never comes back early. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;
/** SQS delays a message by whole seconds, at most 15 minutes. */
const MAX_DELAY_SECONDS = 900;

const wholeSeconds = (ms: number, max: number) => Math.min(max, Math.max(1, Math.ceil(ms / 1000)));

export function createSqsMessageReturn(options: { client: SQSClient; queueUrl: string }): ReturnMessage {
  return async (receiptHandle, afterMs) => {
    await options.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: options.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: wholeSeconds(afterMs, MAX_VISIBILITY_SECONDS),
      }),
    );
  };
}

export function createSqsMessageHandBack(options: { client: SQSClient; queueUrl: string }): HandBackMessage {
  return async (copy, afterMs) => {
    await options.client.send(
      new SendMessageCommand({
        QueueUrl: options.queueUrl,
        MessageBody: copy.body,
        DelaySeconds: wholeSeconds(afterMs, MAX_DELAY_SECONDS),
        MessageAttributes: Object.fromEntries(Object.entries(copy.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
      }),
    );
  };
}
