import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionEnv, lostAnswersAMomentApart } from '../support/item-turns.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

describe('attempts on one item take turns after an ambiguous one', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ functionEnv: { ...functionEnv, RECONCILE_CAREFUL_SECONDS: '300' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('keeps the second attempt out of the first one’s window, so each is settled alone: both bought, one order each', async () => {
    const outcomes = await lostAnswersAMomentApart(t, 'TURN');
    expect(outcomes.map((outcome) => outcome.type)).toEqual(['order.succeeded', 'order.succeeded']);
    expect(t.ordersWithCoupon('TURN-A')).toHaveLength(1);
    expect(t.ordersWithCoupon('TURN-B')).toHaveLength(1);
    const [a, b] = outcomes.map((outcome) => outcome.reconciliation?.subscriptionId ?? outcome.order?.subscription_id);
    expect(a).toBe(t.ordersWithCoupon('TURN-A')[0]?.order.subscription_id);
    expect(b).toBe(t.ordersWithCoupon('TURN-B')[0]?.order.subscription_id);
  }, 90_000);
});
