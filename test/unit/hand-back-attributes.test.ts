import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import type { HandBackMessage } from '../../lib/messaging/message-visibility.ts';
import { processBatch } from '../../lib/worker/process-batch.ts';
import { workerDeps } from '../support/worker.ts';

/**
 * Found in review: SQS takes at most 10 message attributes per message (SendMessage fails with
 * InvalidParameterValue beyond; fauxqs does not check it, so the over-the-wire test cannot see it). The copy
 * adds `requestId` and `handBacks` to the producer's attributes: a message that came with 9 or 10 of its own
 * can never be handed back, and every wait of it spends a delivery, as before hand-backs existed.
 */
const NOW = 1_800_000_000_000;
const SQS_MAX_ATTRIBUTES = 10;
const gateway: AttemptResult = { kind: 'retryable', error: { httpStatus: 504, message: 'HTTP 504' } };

const record = (attributes: Record<string, string>): SQSRecord =>
  ({
    messageId: 'm-1',
    receiptHandle: 'receipt-m-1',
    body: JSON.stringify({ requestId: 'a', items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] }),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(NOW) },
    messageAttributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { dataType: 'String', stringValue: value }])),
  }) as unknown as SQSRecord;

/** A hand-back that refuses what SQS refuses. */
const sqsLikeHandBack = vi.fn<HandBackMessage>(async (copy) => {
  const count = Object.keys(copy.attributes).length;
  if (count > SQS_MAX_ATTRIBUTES) throw new Error(`Number of message attributes [${count}] exceeds the allowed maximum [${SQS_MAX_ATTRIBUTES}].`);
});

describe('hand-back of a message with many attributes', () => {
  it('hands back a message that came with 9 attributes of its own (the SQS limit is 10)', async () => {
    const deps = workerDeps(async () => gateway, {
      reconcile: async () => ({ result: 'deferred', reason: 'rivals not visible yet', retryAt: NOW + 5_000 }),
      handBack: sqsLikeHandBack,
      returnMessage: async () => undefined,
      now: () => new Date(NOW),
    });
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, index) => [`tag${index}`, `value${index}`]));
    const response = await processBatch([record(nine)], { remainingMs: () => 60_000 }, deps);
    expect(sqsLikeHandBack).toHaveBeenCalledOnce();
    // Expected: handed back (deleted, not a failure). Actual: SendMessage refused, the wait spends a delivery.
    expect(response.batchItemFailures).toEqual([]);
  });
});
