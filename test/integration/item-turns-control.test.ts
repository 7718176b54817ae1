import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionEnv, lostAnswersAMomentApart } from '../support/item-turns.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

// The control of item-turns.test.ts, on a stack of its own (one stack per file, as everywhere here).
describe('without turns (RECONCILE_CAREFUL_SECONDS=0), the control', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ functionEnv: { ...functionEnv, RECONCILE_CAREFUL_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('leaves the same two attempts overlapping: neither can tell whose the subscription is, and nothing is bought twice', async () => {
    const outcomes = await lostAnswersAMomentApart(t, 'FREE');
    expect(outcomes.map((outcome) => outcome.type)).toContain('order.unknown');
    expect(t.ordersWithCoupon('FREE-A').length + t.ordersWithCoupon('FREE-B').length).toBeLessThanOrEqual(2);
  }, 90_000);
});
