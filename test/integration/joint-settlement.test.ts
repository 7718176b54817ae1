import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

const KVM2 = 'hostingercom-vps-kvm2-usd-1m';
/** PayPal never leaves an order awaiting payment: a purchase shows as a subscription at once. */
const PAYPAL = 1327363;
const burst = (coupon: string) => ({ payment_method_id: PAYPAL, items: [{ item_id: KVM2, quantity: 1 }], coupons: [coupon] });

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('a burst of identical purchases during an incident', () => {
  it('settles six identical purchases that each made the order and answered 500 as six successes, one order each', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'error500AfterCreate', times: 6, match: { coupon: 'J-500' } }]);
    const posted = await Promise.all(Array.from({ length: 6 }, () => t.postOrder(burst('J-500'))));
    const ids = posted.map((answer) => answer.json.requestId as string);
    const outcomes = await Promise.all(ids.map((id) => t.waitForOutcome(id, 90_000)));
    expect(outcomes.map((outcome) => outcome.type)).toEqual(Array(6).fill('order.succeeded'));
    expect(t.ordersWithCoupon('J-500')).toHaveLength(6);
    // One purchase each: six distinct subscriptions, each the one its own attempt made.
    const subscriptions = outcomes.map((outcome) => outcome.reconciliation?.subscriptionId ?? outcome.order?.subscription_id);
    expect(new Set(subscriptions).size).toBe(6);
    expect(new Set(subscriptions)).toEqual(new Set(t.ordersWithCoupon('J-500').map((o) => o.order.subscription_id)));
  }, 120_000);

  it('settles a burst whose answers were all lost after the orders were made', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'resetAfterCreate', times: 4, match: { coupon: 'J-LOST' } }]);
    const posted = await Promise.all(Array.from({ length: 4 }, () => t.postOrder(burst('J-LOST'))));
    const ids = posted.map((answer) => answer.json.requestId as string);
    const outcomes = await Promise.all(ids.map((id) => t.waitForOutcome(id, 90_000)));
    expect(outcomes.map((outcome) => outcome.type)).toEqual(Array(4).fill('order.succeeded'));
    expect(t.ordersWithCoupon('J-LOST')).toHaveLength(4);
  }, 120_000);
});
