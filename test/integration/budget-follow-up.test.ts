import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

/**
 * The budget of an order that ended `order.unknown` stays reserved (it may have been bought), and is given
 * back when the follow-up proves it was not (`order.resolved` with `not_bought`), as docs/spending-policy.md
 * says: over the real local stack (worker, follow-up, budget item on the local DynamoDB).
 */
const KVM2 = 'hostingercom-vps-kvm2-usd-1m';
const KVM2_CENTS = 899;
const KVM2_EUR = 'hostingercom-vps-kvm2-eur-1m';
const KVM2_EUR_CENTS = 849;
/** The sandbox's default card: a 5xx on it ends `order.unknown` when nothing is found (the order may await 3-D Secure). */
const CARD = 1327362;
/** PayPal: an order it pays is completed or failed within the request, never left awaiting payment. */
const PAYPAL = 1327363;
const EUR_MONTHLY = 1_000;

let t: TestStack;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'budget-follow-up-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ currencies: { USD: { daily: 5_000 }, EUR: { monthly: EUR_MONTHLY } } }));
  t = await startTestStack({
    followUpIntervalMs: 200,
    functionEnv: { SPENDING_POLICY_FILE: join(dir, 'policy.json'), FOLLOW_UP_FIRST_LOOK_SECONDS: '1', FOLLOW_UP_MAX_INTERVAL_SECONDS: '1', UNKNOWN_FOLLOW_UP_SECONDS: '3' },
  });
});
afterAll(async () => {
  await t?.stop();
});

const usedToday = async (): Promise<number> => {
  const response = await fetch(`${t.stack.apiUrl}/budget`);
  const { budgets } = (await response.json()) as { budgets: { currency: string; window: string; used: number }[] };
  return budgets.find((budget) => budget.currency === 'USD' && budget.window === 'daily')?.used ?? Number.NaN;
};

describe('the budget of an unknown outcome', () => {
  it('stays counted while the order may have been bought, and is given back once it is resolved not bought', async () => {
    // The connection reset before any order was made: the worker cannot tell, and ends it unknown.
    t.stack.sandbox?.addFaults([{ fault: 'reset', match: { coupon: 'B-UNKNOWN' } }]);
    const { json } = await t.postOrder({ payment_method_id: PAYPAL, items: [{ item_id: KVM2, quantity: 1 }], coupons: ['B-UNKNOWN'] });
    const requestId = json.requestId as string;
    expect(await t.waitForOutcome(requestId, 30_000)).toMatchObject({ status: 'unknown', totals: { USD: KVM2_CENTS } });
    expect(await usedToday()).toBe(KVM2_CENTS);

    const resolved = await waitUntil(() => t.resolutions.find((resolution) => resolution.requestId === requestId), 20_000, 'the resolution');
    expect(resolved.resolution.result).toBe('not_bought');
    expect(t.stack.sandbox?.orders().filter((o) => o.coupons.includes('B-UNKNOWN'))).toHaveLength(0);
    // Proven not bought: its reservation is given back.
    expect(await usedToday()).toBe(0);
  }, 60_000);

  it('stays counted when its order may still await payment, so paying it later cannot take the budget past its limit', async () => {
    // A 500 after an order was made awaiting 3-D Secure, on a card: unknown, and no subscription until it is paid.
    t.stack.sandbox?.addFaults([{ fault: 'error500AfterPendingOrder', match: { coupon: 'B-LATER' } }]);
    const { json } = await t.postOrder({ payment_method_id: CARD, items: [{ item_id: KVM2_EUR, quantity: 1 }], coupons: ['B-LATER'] });
    const requestId = json.requestId as string;
    expect(await t.waitForOutcome(requestId, 30_000)).toMatchObject({ status: 'unknown', totals: { EUR: KVM2_EUR_CENTS } });
    const resolved = await waitUntil(() => t.resolutions.find((resolution) => resolution.requestId === requestId), 20_000, 'the resolution');
    expect(resolved.resolution.result).toBe('not_bought');

    // Someone pays the order in hPanel afterwards: it was bought after all.
    const [made] = t.stack.sandbox?.orders().filter((o) => o.coupons.includes('B-LATER')) ?? [];
    const paid = await fetch(`${t.stack.sandbox?.url}/__sandbox/payments`, { method: 'POST', body: JSON.stringify({ orderId: made?.order.id }) });
    expect(paid.status).toBe(200);

    // Another order of the same price does not fit in what is left of the month.
    const next = await t.postOrder({ payment_method_id: CARD, items: [{ item_id: KVM2_EUR, quantity: 1 }], coupons: ['B-NEXT'] });
    expect(await t.waitForOutcome(next.json.requestId as string, 30_000)).toMatchObject({ status: 'rejected', error: { code: 'spending_policy' } });
    const charged = t.stack.sandbox?.orders().filter((o) => (o.coupons.includes('B-LATER') || o.coupons.includes('B-NEXT')) && o.order.status === 'completed') ?? [];
    expect(charged.length * KVM2_EUR_CENTS).toBeLessThanOrEqual(EUR_MONTHLY);
  }, 60_000);
});
