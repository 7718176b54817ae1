import { describe, expect, it } from 'vitest';
import { createDynamoDbItemTurnLedger } from '../../lib/ledger/dynamodb-item-turn-ledger.ts';
import type { Purchase } from '../../lib/order/kinds/purchase.ts';
import { clearAfter } from '../../lib/worker/item-turns.ts';
import { turnsOnClock } from '../support/item-turns.ts';
import { useLedgerTable } from './support.ts';

const newTable = useLedgerTable();
const T = 1_000_000;
const settings = { carefulMs: 60_000, clockSkewMs: 2_000, lateMs: 5_000, timeoutMs: 10_000, reserveMs: 2_000 };
const purchase = { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] } as Purchase;
const deadline = { remainingMs: () => 60_000 };

describe('item turns on the DynamoDB ledger', () => {
  it('keep the item held for an ambiguous attempt’s whole window, even when its own delivery tries again (its check was unavailable)', async () => {
    const ledger = createDynamoDbItemTurnLedger(await newTable());
    const clock = { now: T };
    const turns = turnsOnClock(ledger, clock, settings);
    const a = turns('delivery-a', purchase, { lastDelivery: false });
    const b = turns('delivery-b', purchase, { lastDelivery: false });
    if (!a || !b) throw new Error('no turns for a generic order of one item');

    await expect(a.begin(deadline)).resolves.toEqual({ go: true, waited: false });
    // A fast 504: its window closes before the lease it took would have ended.
    clock.now = T + 500;
    const window = { startedAt: T, endedAt: clock.now, answered: true, httpStatus: 504 };
    await a.ambiguous(window);
    const clear = clearAfter(window, settings);
    expect(clear).toBeLessThan(T + settings.timeoutMs + settings.reserveMs);

    // Its check was unavailable: the delivery would try again, but not inside its own window...
    clock.now = T + 1_000;
    await expect(a.begin(deadline)).resolves.toMatchObject({ go: false });
    // ...and nor may anyone else.
    clock.now = T + 2_000;
    await expect(b.begin(deadline)).resolves.toMatchObject({ go: false });
    clock.now = clear;
    await expect(b.begin(deadline)).resolves.toEqual({ go: true, waited: false });
  });
});
