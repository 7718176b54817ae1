import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import type { ItemTurnLedger } from '../../lib/ledger/item-turn-ledger.ts';
import type { HandBackMessage } from '../../lib/messaging/message-visibility.ts';
import type { ReconcilePurchase } from '../../lib/reconciliation/by-key.ts';
import { processBatch } from '../../lib/worker/process-batch.ts';
import { turnsOnClock } from '../support/item-turns.ts';
import { fakeWorkerLedger, unsettledRecord, workerDeps } from '../support/worker.ts';

/**
 * Found in review: the peek before the claim holds back every request for a careful item while
 * another holds its turn, including a request that only has to settle an earlier attempt (a check of the
 * account, no call to Hostinger's order endpoint, no turn needed). Under steady traffic on a careful item
 * (ambiguous attempts blocking it one after another) such a request is handed back again and again, its own check waits
 * past its patience, and rivals that wait for it to settle wait with it.
 */
const NOW = 1_800_000_000_000;
const ITEM = 'hostingercom-vps-kvm2-usd-1m';
const SETTINGS = { carefulMs: 300_000, clockSkewMs: 2_000, lateMs: 5_000, timeoutMs: 100, reserveMs: 1_000 };

const record = (messageId: string, body: object): SQSRecord =>
  ({
    messageId,
    receiptHandle: `receipt-${messageId}`,
    body: JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(NOW) },
    messageAttributes: {},
  }) as unknown as SQSRecord;

/** Another request's ambiguous attempt blocks the item right now, until its window has closed. */
const heldByAnother: ItemTurnLedger = {
  holder: async () => ({ owner: 'another-delivery', heldUntil: NOW + 12_000, hold: 'block' }),
  take: async () => ({ taken: false, heldUntil: NOW + 12_000, hold: 'block' }),
  block: async () => undefined,
  release: async () => undefined,
};

describe('a request that only settles an earlier attempt', () => {
  it('is settled on its delivery, not handed back behind another request’s block', async () => {
    // Its earlier delivery's attempt lost its answer a minute ago: nothing but a check of the account is left to do.
    const earlier = unsettledRecord('r', { startedAt: NOW - 60_000, claimToken: 'earlier-delivery', endedAt: NOW - 59_000 });
    const claim = vi.fn(async () => ({ claimed: true, record: earlier }));
    const reconcile = vi.fn<ReconcilePurchase>(async () => ({ result: 'found', subscription: { id: 'sub-1' } }) as never);
    const placeOrder = vi.fn(async (): Promise<AttemptResult> => ({ kind: 'ambiguous', error: { message: 'lost' } }));
    const handBack = vi.fn<HandBackMessage>(async () => undefined);
    const deps = workerDeps(placeOrder, {
      ledger: fakeWorkerLedger({ claim, get: async () => earlier }),
      reconcile,
      handBack,
      now: () => new Date(NOW),
      itemTurns: turnsOnClock(heldByAnother, { now: NOW }, SETTINGS),
    });

    const response = await processBatch([record('m-1', { requestId: 'r', items: [{ item_id: ITEM, quantity: 1 }] })], { remainingMs: () => 60_000 }, deps);
    expect(response.batchItemFailures).toEqual([]);
    expect(placeOrder).not.toHaveBeenCalled();
    // Expected: its earlier attempt is checked now (it needs no turn). Actual: handed back, never claimed, never checked.
    expect(handBack).not.toHaveBeenCalled();
    expect(reconcile).toHaveBeenCalledOnce();
  });
});
