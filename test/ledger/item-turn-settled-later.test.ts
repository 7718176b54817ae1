import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import { createDynamoDbItemTurnLedger } from '../../lib/ledger/dynamodb-item-turn-ledger.ts';
import type { ReconcilePurchase } from '../../lib/reconciliation/by-key.ts';
import { processBatch } from '../../lib/worker/process-batch.ts';
import { turnsOnClock } from '../support/item-turns.ts';
import { fakeWorkerLedger, unsettledRecord, workerDeps } from '../support/worker.ts';
import { useLedgerTable } from './support.ts';

/**
 * Found in review: "the owner of a block gives it back once its attempt is settled" holds only when
 * the attempt is settled by the delivery that made it. With the deployed settings (30 s worker, 10 s timeout)
 * a lost answer's check never fits in its own delivery (waitToLook needs wait + 2 timeouts + reserve = 28 s),
 * so it is settled by the next delivery, under another claim token: the block stays until it ends by itself.
 */
const newTable = useLedgerTable();
const NOW = 1_800_000_000_000;
const ITEM = 'hostingercom-vps-kvm2-usd-1m';
const SETTINGS = { carefulMs: 300_000, clockSkewMs: 2_000, lateMs: 5_000, timeoutMs: 100, reserveMs: 1_000 };

describe('an ambiguous attempt settled by a later delivery', () => {
  it('gives back the block its earlier delivery took for it', async () => {
    const turnLedger = createDynamoDbItemTurnLedger(await newTable());
    // The earlier delivery (claim token d1) lost its answer and blocked the item for the attempt's window.
    await turnLedger.block(ITEM, 'd1', NOW + 4_000);
    const earlier = unsettledRecord('r', { startedAt: NOW - 16_000, claimToken: 'd1', endedAt: NOW - 6_000 });
    const reconcile = vi.fn<ReconcilePurchase>(async () => ({ result: 'found', subscription: { id: 'sub-1' } }) as never);
    const deps = workerDeps(async (): Promise<AttemptResult> => ({ kind: 'ambiguous', error: { message: 'lost' } }), {
      ledger: fakeWorkerLedger({ claim: async () => ({ claimed: true, record: earlier }), get: async () => earlier }),
      reconcile,
      now: () => new Date(NOW),
      itemTurns: turnsOnClock(turnLedger, { now: NOW }, SETTINGS),
    });
    const record = {
      messageId: 'm-2',
      receiptHandle: 'receipt-m-2',
      body: JSON.stringify({ requestId: 'r', items: [{ item_id: ITEM, quantity: 1 }] }),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(NOW) },
      messageAttributes: {},
    } as unknown as SQSRecord;

    await processBatch([record], { remainingMs: () => 30_000 }, deps);
    // Settled: found. Its block need not hold the item any longer.
    expect(reconcile).toHaveBeenCalledOnce();
    await expect(turnLedger.take(ITEM, 'next-request', NOW + 12_000, NOW)).resolves.toEqual({ taken: true });
  });
});
