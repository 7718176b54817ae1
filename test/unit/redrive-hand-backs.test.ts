import { type Message, ReceiveMessageCommand, SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { redriveDeadLetters } from '../../lib/messaging/dlq-redrive.ts';

/**
 * Found in review (adv5): a dead letter that was handed back carries its `handBacks` count into the
 * redrive. SQS takes at most 10 message attributes: a message with 9 of its own (which the hand-back still
 * copies, test/unit/hand-back-attributes.test.ts) dead-letters with 10, the redrive adds `requestId`, SQS
 * refuses the entry, and `npm run redrive` fails on it every time (it stays in the dead-letter queue). And a
 * redriven message that had spent its hand-backs could never be handed back again: every wait of its new
 * life would spend one of its deliveries.
 */
const SQS_MAX_MESSAGE_ATTRIBUTES = 10;

function deadLetterQueue(messages: Message[]) {
  const sent: SendMessageBatchRequestEntry[] = [];
  let received = false;
  const client = {
    send: async (command: unknown) => {
      if (command instanceof ReceiveMessageCommand) {
        if (received) return { Messages: [] };
        received = true;
        return { Messages: messages };
      }
      if (command instanceof SendMessageBatchCommand) {
        const entries = command.input.Entries ?? [];
        // SQS refuses an entry with more than 10 message attributes (InvalidParameterValue), the others go.
        const fits = (entry: SendMessageBatchRequestEntry) => Object.keys(entry.MessageAttributes ?? {}).length <= SQS_MAX_MESSAGE_ATTRIBUTES;
        sent.push(...entries.filter(fits));
        return {
          Successful: entries.filter(fits).map((entry) => ({ Id: entry.Id })),
          Failed: entries.filter((entry) => !fits(entry)).map((entry) => ({ Id: entry.Id, Code: 'InvalidParameterValue', SenderFault: true })),
        };
      }
      return {};
    },
  } as unknown as SQSClient;
  return { client, sent };
}

const string = (value: string) => ({ DataType: 'String', StringValue: value });
const own = Object.fromEntries(Array.from({ length: 9 }, (_, index) => [`tag${index}`, string(`v${index}`)]));

describe('redriving a dead letter that was handed back', () => {
  it('moves a message with 9 attributes of its own (10 with its hand-back count) back to the queue', async () => {
    const { client, sent } = deadLetterQueue([
      { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: JSON.stringify({ requestId: 'a', items: [{ item_id: 'x' }] }), MessageAttributes: { ...own, handBacks: string('3') } },
    ]);
    await expect(redriveDeadLetters({ client, deadLetterQueueUrl: 'dlq', queueUrl: 'q' })).resolves.toBe(1);
    expect(sent[0]?.MessageAttributes).toMatchObject({ ...own, requestId: string('a') });
  });

  it('gives the moved message its hand-backs afresh, as it gets its deliveries afresh', async () => {
    const { client, sent } = deadLetterQueue([
      { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: JSON.stringify({ requestId: 'a', items: [{ item_id: 'x' }] }), MessageAttributes: { handBacks: string('60') } },
    ]);
    await redriveDeadLetters({ client, deadLetterQueueUrl: 'dlq', queueUrl: 'q' });
    expect(sent[0]?.MessageAttributes).toEqual({ requestId: string('a') });
  });
});
