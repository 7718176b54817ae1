import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import type { ItemTurnLedger } from '../../lib/ledger/item-turn-ledger.ts';
import type { InFlightAttempt, LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import type { HandBackMessage, MessageCopy } from '../../lib/messaging/message-visibility.ts';
import type { Outcome } from '../../lib/order/outcome.ts';
import type { ReconcilePurchase } from '../../lib/reconciliation/by-key.ts';
import { waitToLook } from '../../lib/reconciliation/reconciler.ts';
import { MAX_HAND_BACKS, processBatch } from '../../lib/worker/process-batch.ts';
import { turnsOnClock } from '../support/item-turns.ts';
import { fakeWorkerLedger, workerDeps } from '../support/worker.ts';

/**
 * Found in review: a request that keeps finding its careful item held by others (a backlog of
 * orders for one item takes turns back to back, and a turn goes to whoever asks first once it is free: no
 * line, no fairness) is handed back MAX_HAND_BACKS times, then returned (spending deliveries), and makes its
 * FIRST attempt on its last allowed delivery. With the deployed settings (30 s worker, 10 s Hostinger timeout,
 * 2 s reserve) an ambiguous answer there cannot be checked in the same invocation (waitToLook needs
 * wait + 2 timeouts + reserve), its check is deferred, it may not be handed back any more, and the message goes
 * to the dead-letter queue: an order that may have been bought, with no outcome published.
 */
const START = 1_800_000_000_000;
const ITEM = 'hostingercom-vps-kvm2-usd-1m';
const MAX_RECEIVE_COUNT = 5;
const WORKER_TIMEOUT_MS = 30_000;
const settings = { carefulMs: 300_000, clockSkewMs: 2_000, lateMs: 5_000, timeoutMs: 10_000, reserveMs: 2_000 };

describe('a request starved of its turn', () => {
  it('still ends with a published outcome (not in the dead-letter queue) when its one attempt loses its answer', async () => {
    const clock = { now: START };
    // Someone else's attempt holds the item whenever this request looks (a backlog taking turns back to back).
    const busyItem: ItemTurnLedger = {
      holder: async () => ({ owner: 'someone-else', heldUntil: clock.now + 12_000, hold: 'lease' }),
      take: async () => ({ taken: false, heldUntil: clock.now + 12_000, hold: 'lease' }),
      block: async () => undefined,
      release: async () => undefined,
    };
    // Hostinger's answer is lost after its whole timeout (the item is careful because such answers happen).
    const placeOrder = vi.fn(async (): Promise<AttemptResult> => {
      clock.now += settings.timeoutMs;
      return { kind: 'ambiguous', error: { message: 'the answer was lost' } };
    });
    // The reconciler's own first step: wait until Hostinger can have finished, or defer when the invocation has no time left.
    const reconcile: ReconcilePurchase = async (_requestId, _purchase, window, deadline) =>
      (await waitToLook(window, deadline, {
        settings: { clockSkewMs: 2_000, lateMs: 5_000, settleMs: 1_000, indexLagMs: 2_000, patienceMs: 120_000, sharedAccount: false },
        timeoutMs: settings.timeoutMs,
        reserveMs: settings.reserveMs,
        sleep: async (ms) => void (clock.now += ms),
        now: () => clock.now,
      })) ?? { result: 'absent' };
    const copies: MessageCopy[] = [];
    const handBack = vi.fn<HandBackMessage>(async (copy, afterMs) => {
      copies.push(copy);
      clock.now += afterMs;
    });
    const returnMessage = vi.fn(async (_receipt: string, afterMs: number) => void (clock.now += afterMs));
    const recordDeliveryFailure = vi.fn(async () => undefined);
    const publish = vi.fn(async () => new Set<string>());
    // The request's record, as far as this test needs it: an attempt left unsettled by a delivery is found by the next.
    let stored: LedgerRecord = { requestId: 'r', status: 'queued', source: 'queue', attempts: 0, createdAt: '', updatedAt: '' };
    const ledger = fakeWorkerLedger({
      recordDeliveryFailure,
      get: async () => stored,
      claim: async () => ({ claimed: true, record: stored }),
      release: async (_id: string, _token: string, released: { attempts: number; unresolved?: InFlightAttempt }) => {
        stored = { ...stored, status: 'submitting', attempts: released.attempts, inFlight: released.unresolved };
      },
      complete: async (_id: string, _token: string, { outcome }: { outcome: Outcome }) => {
        stored = { ...stored, status: outcome.status, outcome, inFlight: undefined };
      },
    });
    const deps = workerDeps(placeOrder, {
      ledger,
      submit: { ...workerDeps(placeOrder).submit, timeoutMs: settings.timeoutMs, reserveMs: settings.reserveMs, now: () => clock.now },
      reconcile,
      handBack,
      returnMessage,
      publish,
      maxReceiveCount: MAX_RECEIVE_COUNT,
      now: () => new Date(clock.now),
      itemTurns: turnsOnClock(busyItem, clock, settings),
    });

    const body = JSON.stringify({ requestId: 'r', items: [{ item_id: ITEM, quantity: 1 }] });
    let message = { id: 'm-0', attributes: {} as Record<string, string>, receiveCount: 1 };
    let deadLettered = false;
    for (let deliveries = 0; deliveries < 200; deliveries++) {
      const invokedAt = clock.now;
      const record = {
        messageId: message.id,
        receiptHandle: `receipt-${message.id}-${message.receiveCount}`,
        body,
        attributes: { ApproximateReceiveCount: String(message.receiveCount), SentTimestamp: String(START) },
        messageAttributes: Object.fromEntries(Object.entries(message.attributes).map(([name, value]) => [name, { dataType: 'String', stringValue: value }])),
      } as unknown as SQSRecord;
      const handedBefore = copies.length;
      const { batchItemFailures } = await processBatch([record], { remainingMs: () => WORKER_TIMEOUT_MS - (clock.now - invokedAt) }, deps);
      if (copies.length > handedBefore) {
        const copy = copies.at(-1) as MessageCopy;
        message = { id: `m-${copies.length}`, attributes: copy.attributes, receiveCount: 1 };
      } else if (batchItemFailures.length > 0) {
        if (message.receiveCount >= MAX_RECEIVE_COUNT) {
          deadLettered = true;
          break;
        }
        message = { ...message, receiveCount: message.receiveCount + 1 };
      } else break;
    }

    // How it went: the whole hand-back allowance spent waiting, then one attempt, on the last allowed delivery.
    expect(copies).toHaveLength(MAX_HAND_BACKS);
    expect(placeOrder).toHaveBeenCalledOnce();
    // Expected: an outcome (order.unknown at worst) is published. Actual: dead-lettered, nothing published.
    expect({ deadLettered, published: publish.mock.calls.length }).toEqual({ deadLettered: false, published: 1 });
  });
});
