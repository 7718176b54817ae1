import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * An order left awaiting payment behind a 5xx (A ends unknown: "an order awaiting payment may exist, check
 * hPanel") gets its subscription when someone pays it in hPanel, created then, not during A's attempt. If
 * that moment falls in the window of another request's lost answer on the same item (B, which bought
 * nothing), B's check finds one unexplained purchase and no rival that could own it, and credits it to B:
 * B ends order.succeeded for a purchase it did not make, and A's follow-up (which looks only in A's own
 * window) will in time resolve A as not bought, though A's order was paid.
 *
 * Not fixed: the ledger would have to treat an unknown whose order may be pending as a rival of every later
 * purchase of its item until it is resolved (the unsettled index is queried by attempt start, so it needs its
 * own lookup). Kept as `it.fails` to document the gap; the fault campaign has the class `paid-later`.
 */
const ITEM = 'hostingercom-vps-kvm2-usd-24m';
let t: TestStack;
const send = (requestId: string, coupon: string) => t.sendMessage(JSON.stringify({ requestId, items: [{ item_id: ITEM, quantity: 1 }], coupons: [coupon] }));

beforeAll(async () => {
  // A lost answer is checked 4 s after it: time for the payment below to land inside B's window.
  t = await startTestStack({ functionEnv: { RECONCILE_LATE_MS: '4000' } });
});
afterAll(async () => {
  await t?.stop();
});

describe('a pending order paid later, while another request on the same item has a lost answer', () => {
  it.fails('does not credit the paid order to the request that bought nothing', async () => {
    // A: a 500 after Hostinger made an order awaiting payment on the default card.
    t.stack.sandbox?.addFaults([{ fault: 'error500AfterPendingOrder', match: { coupon: 'PL-A' } }]);
    await send('pl-a', 'PL-A');
    await expect(t.waitForOutcome('pl-a')).resolves.toMatchObject({ type: 'order.unknown' });
    const [pending] = t.ordersWithCoupon('PL-A');
    expect(pending?.order.status).toBe('awaiting_payment');
    // Well past A's own window.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // B: the connection is reset before Hostinger made anything.
    t.stack.sandbox?.addFaults([{ fault: 'reset', match: { coupon: 'PL-B' } }]);
    await send('pl-b', 'PL-B');
    for (let tries = 0; tries < 200 && (await t.getOrder('pl-b')).status !== 200; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The user pays A's order in hPanel, as A's outcome told them to check.
    const paid = await fetch(`${t.stack.sandbox?.url}/__sandbox/payments`, { method: 'POST', body: JSON.stringify({ orderId: pending?.order.id }) });
    expect(paid.status).toBe(200);

    const outcome = await t.waitForOutcome('pl-b', 30_000);
    expect(t.ordersWithCoupon('PL-B')).toHaveLength(0);
    expect(outcome.type).not.toBe('order.succeeded');
  });
});
