import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import type { HandBackMessage, MessageCopy } from '../../lib/messaging/message-visibility.ts';
import { MAX_HAND_BACKS, processBatch } from '../../lib/worker/process-batch.ts';
import { fakeWorkerLedger, workerDeps } from '../support/worker.ts';

/**
 * A message that only waits (its deferral knows when to look again) goes back as a new message rather than
 * as a failure: here a 504 whose check is deferred until rivals are visible, 5 s from now.
 */
const NOW = 1_800_000_000_000;
const RETRY_IN_MS = 5_000;
const gateway: AttemptResult = { kind: 'retryable', error: { httpStatus: 504, message: 'HTTP 504' } };

const record = (messageId: string, body: object, attributes: Record<string, string> = {}, binary: SQSMessageAttributes = {}): SQSRecord =>
  ({
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(NOW) },
    messageAttributes: { ...Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { dataType: 'String', stringValue: value }])), ...binary },
  }) as unknown as SQSRecord;

/** The record SQS delivers for a copy handed back (a new message id, the copy's string attributes). */
const delivered = (messageId: string, copy: MessageCopy): SQSRecord => ({ ...record(messageId, {}, copy.attributes), body: copy.body });

const order = { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }] };

function waitingWorker(handBack: HandBackMessage | undefined) {
  const claim = vi.fn(fakeWorkerLedger().claim);
  const returnMessage = vi.fn(async () => undefined);
  const deps = workerDeps(async () => gateway, {
    ledger: fakeWorkerLedger({ claim }),
    reconcile: async () => ({ result: 'deferred', reason: 'the rivals are not all visible yet', retryAt: NOW + RETRY_IN_MS }),
    returnMessage,
    ...(handBack ? { handBack } : {}),
    now: () => new Date(NOW),
  });
  return { deps, claim, returnMessage };
}

const deadline = { remainingMs: () => 60_000 };

describe('processBatch: a message that only waits is handed back as a new message', () => {
  it('sends its body (which names its request), its string attributes and a first hand-back count, due at retryAt; the original is deleted', async () => {
    const handBack = vi.fn<HandBackMessage>(async () => undefined);
    const { deps, returnMessage } = waitingWorker(handBack);
    const original = record('m-1', { requestId: 'a', ...order }, { batch: 'nightly' }, { blob: { dataType: 'Binary', binaryValue: 'AAEC' } as never });
    const response = await processBatch([original], deadline, deps);
    expect(response.batchItemFailures).toEqual([]);
    expect(handBack).toHaveBeenCalledExactlyOnceWith({ body: original.body, attributes: { batch: 'nightly', handBacks: '1' } }, RETRY_IN_MS);
    expect(returnMessage).not.toHaveBeenCalled();
  });

  it('names the request it resolved, so a body without a request id stays the same request under the copy’s new message id', async () => {
    const handBack = vi.fn<HandBackMessage>(async () => undefined);
    const { deps, claim } = waitingWorker(handBack);
    await processBatch([record('m-1', order)], deadline, deps);
    const [copy] = handBack.mock.calls[0] ?? [];
    expect(copy?.attributes).toEqual({ requestId: 'sqs-m-1', handBacks: '1' });

    // Delivered again as message m-2, it is still request sqs-m-1, and its count goes on.
    if (!copy) throw new Error('not handed back');
    const response = await processBatch([delivered('m-2', copy)], deadline, deps);
    expect(response.batchItemFailures).toEqual([]);
    expect(claim.mock.calls.map(([request]) => request.requestId)).toEqual(['sqs-m-1', 'sqs-m-1']);
    expect(handBack.mock.calls[1]?.[0]).toEqual({ body: copy.body, attributes: { requestId: 'sqs-m-1', handBacks: '2' } });
  });

  it(`after ${MAX_HAND_BACKS} hand-backs it is a failure again, returned to be delivered at retryAt (spending a delivery)`, async () => {
    const handBack = vi.fn<HandBackMessage>(async () => undefined);
    const { deps, returnMessage } = waitingWorker(handBack);
    const worn = record('m-1', { requestId: 'a', ...order }, { requestId: 'a', handBacks: String(MAX_HAND_BACKS) });
    const response = await processBatch([worn], deadline, deps);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(handBack).not.toHaveBeenCalled();
    expect(returnMessage).toHaveBeenCalledExactlyOnceWith('receipt-m-1', RETRY_IN_MS);

    // One short of the limit it is still handed back.
    const before = record('m-2', { requestId: 'b', ...order }, { requestId: 'b', handBacks: String(MAX_HAND_BACKS - 1) });
    await expect(processBatch([before], deadline, deps)).resolves.toEqual({ batchItemFailures: [] });
    expect(handBack).toHaveBeenCalledExactlyOnceWith({ body: before.body, attributes: { requestId: 'b', handBacks: String(MAX_HAND_BACKS) } }, RETRY_IN_MS);
  });

  it('is a failure, returned to be delivered at retryAt, when the copy cannot be sent', async () => {
    const handBack = vi.fn<HandBackMessage>(async () => Promise.reject(new Error('SQS down')));
    const { deps, returnMessage } = waitingWorker(handBack);
    const response = await processBatch([record('m-1', { requestId: 'a', ...order })], deadline, deps);
    expect(handBack).toHaveBeenCalledOnce();
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(returnMessage).toHaveBeenCalledExactlyOnceWith('receipt-m-1', RETRY_IN_MS);
  });

  it('is a failure, as before, without a hand-back, or when no time to look again is known', async () => {
    const { deps, returnMessage } = waitingWorker(undefined);
    await expect(processBatch([record('m-1', { requestId: 'a', ...order })], deadline, deps)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(returnMessage).toHaveBeenCalledExactlyOnceWith('receipt-m-1', RETRY_IN_MS);

    const handBack = vi.fn<HandBackMessage>(async () => undefined);
    const unknownTime = workerDeps(async () => gateway, { reconcile: async () => ({ result: 'deferred', reason: 'no time to check' }), handBack, now: () => new Date(NOW) });
    await expect(processBatch([record('m-2', { requestId: 'b', ...order })], deadline, unknownTime)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(handBack).not.toHaveBeenCalled();
  });
});
