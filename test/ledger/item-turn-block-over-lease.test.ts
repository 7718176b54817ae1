import { describe, expect, it } from 'vitest';
import { createDynamoDbItemTurnLedger } from '../../lib/ledger/dynamodb-item-turn-ledger.ts';
import type { Purchase } from '../../lib/order/kinds/purchase.ts';
import { spanOf } from '../../lib/reconciliation/joint-check.ts';
import { clearAfter } from '../../lib/worker/item-turns.ts';
import { turnsOnClock } from '../support/item-turns.ts';
import { useLedgerTable } from './support.ts';

/**
 * Found in review: an ambiguous attempt's block must hold the item for its whole window, whoever
 * held a lease on it when the attempt ended.
 */
const newTable = useLedgerTable();
const T = 1_000_000;
const settings = { carefulMs: 300_000, clockSkewMs: 2_000, lateMs: 5_000, timeoutMs: 10_000, reserveMs: 2_000 };
const purchase = { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] } as Purchase;
const deadline = { remainingMs: () => 60_000 };

describe('a block refused by a longer lease of another', () => {
  it('still keeps the next attempt out of the ambiguous attempt’s window once the lease is given back', async () => {
    const ledger = createDynamoDbItemTurnLedger(await newTable());
    const clock = { now: T };
    // Container 1 knows the item is careful; container 2 read the gate before it turned careful (its cache lives 2 s).
    const careful = turnsOnClock(ledger, clock, settings);
    const stale = turnsOnClock(ledger, clock, settings, { careful: false });
    const a = careful('delivery-a', purchase, { lastDelivery: false });
    const b = stale('delivery-b', purchase, { lastDelivery: false });
    const c = careful('delivery-c', purchase, { lastDelivery: false });
    if (!a || !b || !c) throw new Error('no turns');

    // A takes the turn (a lease until T + 12 s) and calls Hostinger.
    await expect(a.begin(deadline)).resolves.toEqual({ go: true, waited: false });
    // B, whose container has not seen the item turn careful, calls too, and gets a fast 502 (Hostinger may still create it).
    clock.now = T + 100;
    await expect(b.begin(deadline)).resolves.toEqual({ go: true, waited: false });
    clock.now = T + 300;
    const bWindow = { startedAt: T + 100, endedAt: T + 300, answered: true, httpStatus: 502 };
    await b.ambiguous(bWindow);
    // B's window, as reconciliation reads it, stays open until here; no attempt may start before clearAfter.
    const bSpanEnd = spanOf('b', bWindow, settings).to;
    const bClear = clearAfter(bWindow, settings);
    expect(bClear).toBeLessThan(T + settings.timeoutMs + settings.reserveMs); // shorter than A's lease: the block was refused

    // A is answered quickly and gives its lease back.
    clock.now = T + 1_000;
    await a.answered();
    // C asks for the turn inside B's window.
    clock.now = T + 1_100;
    expect(clock.now).toBeLessThan(bSpanEnd);
    const cTurn = await c.begin(deadline);
    // Expected: C is held off until B's window has closed. Actual: C takes the turn at once ({ go: true }).
    expect(cTurn).toMatchObject({ go: false });
  });
});
