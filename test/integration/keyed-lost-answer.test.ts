import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrashingStack, sandboxOf, startCrashingStack } from '../support/crashing-stack.ts';
import type { TestStack } from '../support/local-stack.ts';

/**
 * A VPS, domain or renewal whose worker died after the call: the answer is lost, and it may have been a 202
 * (the purchase made, its payment still processing), which sets up no VM, registers no domain and moves no
 * expiry, on PayPal as on a card. Found nothing by its key, the request must not be bought again.
 */
const PAYPAL = 1327363;
let t: TestStack;
let crashes: CrashingStack['crashes'];

beforeAll(async () => {
  ({ t, crashes } = await startCrashingStack());
});
afterAll(async () => {
  await t?.stop();
});

const sandbox = () => sandboxOf(t);

/** A subscription to renew, bought from the sandbox directly. */
async function subscriptionToRenew(): Promise<string> {
  const requestId = 'lost-202-setup';
  await t.sendMessage(JSON.stringify({ requestId, items: [{ item_id: 'hostingercom-hosting-premium-usd-1m' }], payment_method_id: PAYPAL, coupons: ['L202-SETUP'] }));
  const id = (await t.waitForOutcome(requestId)).order?.subscription_id;
  if (!id) throw new Error('the order made no subscription');
  return id;
}

/** Sends the purchase with a 202 to come and the worker's death after the call; returns its outcome. */
async function lostAccepted(requestId: string, coupon: string, purchase: Record<string, unknown>) {
  sandbox().addFaults([{ fault: 'accepted', match: { coupon } }]);
  crashes.set(requestId, 'afterCall');
  await t.sendMessage(JSON.stringify({ requestId, ...purchase, payment_method_id: PAYPAL, coupons: [coupon] }));
  return t.waitForOutcome(requestId, 30_000);
}

describe('a 202 whose answer was lost (the worker died after the call), paid with PayPal', () => {
  it('a domain: ends unknown with one order, never registered twice', async () => {
    const outcome = await lostAccepted('lost-202-domain', 'L202-DOMAIN', { kind: 'domain', domain: 'lost-202.com', item_id: 'hostingercom-domain-com-usd-1y' });
    expect(t.ordersWithCoupon('L202-DOMAIN').map((record) => record.order.status)).toEqual(['payment_initiated']);
    expect(outcome).toMatchObject({ kind: 'domain', type: 'order.unknown', reconciliation: { result: 'absent' } });
  }, 40_000);

  it('a VPS: ends unknown with one order', async () => {
    const outcome = await lostAccepted('lost-202-vps', 'L202-VPS', {
      kind: 'vps',
      item_id: 'hostingercom-vps-kvm1-usd-1m',
      setup: { template_id: 1130, data_center_id: 17, hostname: 'lost-202.example.tld' },
    });
    expect(t.ordersWithCoupon('L202-VPS').map((record) => record.order.status)).toEqual(['payment_initiated']);
    expect(outcome).toMatchObject({ kind: 'vps', type: 'order.unknown', reconciliation: { result: 'absent' } });
  }, 40_000);

  it('a renewal: ends unknown with one renewal order', async () => {
    const subscriptionId = await subscriptionToRenew();
    const outcome = await lostAccepted('lost-202-renewal', 'L202-RENEWAL', { kind: 'renewal', subscription_id: subscriptionId });
    expect(t.ordersWithCoupon('L202-RENEWAL').map((record) => record.order.status)).toEqual(['payment_initiated']);
    expect(outcome).toMatchObject({ kind: 'renewal', type: 'order.unknown', reconciliation: { result: 'absent' } });
  }, 40_000);
});
