import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { requestIdSchema } from './order-request.ts';

export interface RedriveOptions {
  client: SQSClient;
  deadLetterQueueUrl: string;
  queueUrl: string;
  /** Told after each batch moved. */
  onProgress?: (moved: number) => void;
  /** Stop after this many messages (default: until the dead-letter queue is empty). */
  limit?: number;
}

/** The request a dead-lettered message is about, kept across the move (a moved message gets a new message id). */
function requestIdOf(message: Message): string {
  const attribute = message.MessageAttributes?.requestId?.StringValue;
  if (attribute && requestIdSchema.safeParse(attribute).success) return attribute;
  try {
    const body = JSON.parse(message.Body ?? '') as { requestId?: unknown; Message?: unknown };
    const inner = typeof body.Message === 'string' ? (JSON.parse(body.Message) as { requestId?: unknown }) : body;
    const parsed = requestIdSchema.safeParse(inner.requestId);
    if (parsed.success) return parsed.data;
  } catch {
    // Unreadable bodies keep the id the worker gave them: sqs-<original message id>.
  }
  return `sqs-${message.MessageId}`;
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
          MessageAttributes: { ...message.MessageAttributes, requestId: { DataType: 'String', StringValue: requestIdOf(message) } },
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
