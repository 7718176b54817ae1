import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import type { InFlightAttempt, LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import { processBatch } from '../../lib/worker/process-batch.ts';
import { fakeWorkerLedger, workerDeps } from '../support/worker.ts';

/** The batch phase of the worker, with its edges faked: which messages are reported, what is published. */
const record = (requestId: string, itemId = 'hostingercom-vps-kvm2-usd-1m'): SQSRecord =>
  ({
    messageId: `m-${requestId}`,
    body: JSON.stringify({ requestId, items: [{ item_id: itemId }] }),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
    messageAttributes: {},
  }) as unknown as SQSRecord;

const succeeded: AttemptResult = { kind: 'succeeded', order: { id: 1, status: 'completed' } };

describe('processBatch', () => {
  it('reports a message still running near the end of the invocation, and publishes the finished ones', async () => {
    const hanging = 'hostingercom-vps-kvm1-usd-1m';
    const d = workerDeps((order) => (order.items[0]?.item_id === hanging ? new Promise<AttemptResult>(() => undefined) : Promise.resolve(succeeded)));
    const end = Date.now() + 1500;
    const started = Date.now();
    const response = await processBatch([record('a'), record('b', hanging), record('c')], { remainingMs: () => end - Date.now() }, d);
    expect(Date.now() - started).toBeLessThan(1400);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-b' }]);
    const published = vi.mocked(d.publish).mock.calls[0]?.[0] ?? [];
    expect(published.map((o) => ('requestId' in o ? o.requestId : '')).sort()).toEqual(['a', 'c']);
  });

  it('reports a message that finishes only while the others are being published: its outcome was not among them', async () => {
    const late = 'hostingercom-vps-kvm1-usd-1m';
    let answerLate: (result: AttemptResult) => void = () => undefined;
    const complete = vi.fn(async (_requestId: string) => undefined);
    const d = workerDeps((order) => (order.items[0]?.item_id === late ? new Promise<AttemptResult>((resolve) => (answerLate = resolve)) : Promise.resolve(succeeded)), {
      ledger: { ...fakeWorkerLedger(), complete },
    });
    let finishedDuringPublish = false;
    vi.mocked(d.publish).mockImplementation(async () => {
      // Past the cutoff, the late message gets its answer and records its outcome while this publish is under way.
      answerLate(succeeded);
      await new Promise((resolve) => setTimeout(resolve, 50));
      finishedDuringPublish = complete.mock.calls.some(([requestId]) => requestId === 'b');
      return new Set<string>();
    });
    const end = Date.now() + 1500;
    const response = await processBatch([record('a'), record('b', late)], { remainingMs: () => end - Date.now() }, d);
    expect(finishedDuringPublish).toBe(true);
    const published = vi.mocked(d.publish).mock.calls.flatMap(([documents]) => documents.map((o) => ('requestId' in o ? o.requestId : '')));
    expect(published).toEqual(['a']);
    // Deleted now, b would never have its outcome published: it is redelivered, and its next delivery publishes the recorded one.
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-b' }]);
  });

  it('reports only the messages whose outcome could not be published', async () => {
    const d = workerDeps(async () => succeeded);
    vi.mocked(d.publish).mockImplementation(async (outcomes) => new Set(outcomes.filter((o) => 'requestId' in o && o.requestId === 'b').map((o) => o.outcomeId)));
    const response = await processBatch([record('a'), record('b')], { remainingMs: () => 60_000 }, d);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-b' }]);
  });

  it('on the last allowed delivery writes why the message failed, before it goes to the dead-letter queue', async () => {
    const d = workerDeps(async () => succeeded, { submit: { ...workerDeps(async () => succeeded).submit, token: async () => Promise.reject(new Error('secrets down')) } });
    const last = { ...record('a'), attributes: { ...record('a').attributes, ApproximateReceiveCount: '5' } } as SQSRecord;
    const response = await processBatch([last], { remainingMs: () => 60_000 }, d);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-a' }]);
    expect(d.ledger.recordDeliveryFailure).toHaveBeenCalledWith('a', 'secrets down', 5, expect.any(Date));
  });
});

describe('processBatch: a gateway 5xx whose check is deferred', () => {
  it('keeps the status with the mark, so the next delivery still allows the origin to finish late', async () => {
    const release = vi.fn(async () => undefined);
    const reconcile = vi.fn(async () => ({ result: 'deferred' as const, reason: 'no time to check' }));
    const gateway: AttemptResult = { kind: 'retryable', error: { httpStatus: 504, message: 'HTTP 504' } };
    const first = workerDeps(async () => gateway, { reconcile, ledger: { ...fakeWorkerLedger(), release } });
    await processBatch([record('g')], { remainingMs: () => 60_000 }, first);
    const stored = (release.mock.calls[0] as unknown as [string, string, { unresolved: InFlightAttempt }])[2].unresolved;
    expect(stored).toMatchObject({ answeredStatus: 504 });

    // The next delivery finds that mark in flight and reconciles a window that still knows it was a 504.
    const inFlight = { ...stored, claimToken: 'an earlier delivery' };
    const markedRecord: LedgerRecord = { requestId: 'g', status: 'submitting', source: 'queue', attempts: 0, createdAt: '', updatedAt: '', inFlight };
    const second = workerDeps(async () => succeeded, { reconcile, ledger: { ...fakeWorkerLedger(), claim: async () => ({ claimed: true, record: markedRecord }) } });
    await processBatch([record('g')], { remainingMs: () => 60_000 }, second);
    expect(reconcile).toHaveBeenLastCalledWith('g', expect.anything(), expect.objectContaining({ answered: true, httpStatus: 504 }), expect.anything(), expect.anything(), {
      finalLook: false,
    });
  });
});
