import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { HAND_BACKS_ATTRIBUTE, messageRequestId, readQueueMessage } from './queue-message.ts';

export interface RedriveOptions {
  client: SQSClient;
  deadLetterQueueUrl: string;
  queueUrl: string;
  /** Told after each batch moved. */
  onProgress?: (moved: number) => void;
  /** Stop after this many messages (default: until the dead-letter queue is empty). */
  limit?: number;
}

/**
 * Moves messages from the dead-letter queue back to the orders queue, each tagged with a `requestId`
 * message attribute so the worker recognises the request it already knows: a moved message can never buy
 * twice. A message is deleted from the dead-letter queue only once it is safely on the orders queue.
 */
export async function redriveDeadLetters(options: RedriveOptions): Promise<number> {
  const { client } = options;
  let moved = 0;
  for (;;) {
    const wanted = Math.min(10, (options.limit ?? Infinity) - moved);
    if (wanted <= 0) return moved;
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.deadLetterQueueUrl,
        MaxNumberOfMessages: wanted,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return moved;
    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: options.queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          MessageBody: message.Body ?? '',
          // A moved message gets a new message id: its request id travels with it.
          // Its hand-backs start again, as its deliveries do (and the count's place goes to the request id: SQS takes 10).
          MessageAttributes: {
            ...Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).filter(([name]) => name !== HAND_BACKS_ATTRIBUTE)),
            requestId: {
              DataType: 'String',
              StringValue: messageRequestId(readQueueMessage(message.Body ?? ''), message.MessageAttributes?.requestId?.StringValue, message.MessageId ?? ''),
            },
          },
        })),
      }),
    );
    const delivered = (sent.Successful ?? []).map((entry) => Messages[Number(entry.Id)]).filter((message): message is Message => message !== undefined);
    if (delivered.length > 0) {
      await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.deadLetterQueueUrl,
          Entries: delivered.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
    moved += delivered.length;
    options.onProgress?.(moved);
    if (delivered.length < Messages.length) throw new Error(`${Messages.length - delivered.length} message(s) could not be sent back; they stay in the dead-letter queue`);
  }
}
