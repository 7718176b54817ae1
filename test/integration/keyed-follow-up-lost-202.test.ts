import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrashingStack, sandboxOf, startCrashingStack } from '../support/crashing-stack.ts';
import { type TestStack, waitUntil } from '../support/local-stack.ts';

/**
 * A VPS whose answer was lost may have been a 202 on PayPal as on a card: the purchase made, its payment
 * processing, no VM set up (docs/purchase-kinds.md). Nothing ever shows by its key, so the follow-up resolves
 * it not_bought when its time is up; that must not free its hostname, or a second request buys it again while
 * the first order can still be completed.
 */
const PAYPAL = 1327363;
const VPS = {
  kind: 'vps',
  item_id: 'hostingercom-vps-kvm1-usd-1m',
  payment_method_id: PAYPAL,
  setup: { template_id: 1130, data_center_id: 17, hostname: 'lost-202-freed.example.tld' },
};
let t: TestStack;
let crashes: CrashingStack['crashes'];

beforeAll(async () => {
  ({ t, crashes } = await startCrashingStack({
    functionEnv: {
      FOLLOW_UP_FIRST_LOOK_SECONDS: '1',
      FOLLOW_UP_MAX_INTERVAL_SECONDS: '1',
      UNKNOWN_FOLLOW_UP_SECONDS: '3',
    },
    followUpIntervalMs: 200,
  }));
});
afterAll(async () => {
  await t?.stop();
});

const sandbox = () => sandboxOf(t);

describe('a VPS whose 202 was lost, paid with PayPal, resolved not_bought by the follow-up', () => {
  it('keeps its hostname: a second request for it is refused, one order', async () => {
    sandbox().addFaults([{ fault: 'accepted', match: { coupon: 'LF-1' } }]);
    crashes.set('lf-first', 'afterCall');
    await t.sendMessage(JSON.stringify({ requestId: 'lf-first', ...VPS, coupons: ['LF-1'] }));
    expect(await t.waitForOutcome('lf-first', 30_000)).toMatchObject({ kind: 'vps', type: 'order.unknown', reconciliation: { result: 'absent' } });

    const resolved = await waitUntil(() => t.resolutions.find((resolution) => resolution.requestId === 'lf-first'), 20_000, 'the resolution');
    expect(resolved.resolution.result).toBe('not_bought');

    await t.sendMessage(JSON.stringify({ requestId: 'lf-second', ...VPS, coupons: ['LF-2'] }));
    const second = await t.waitForOutcome('lf-second', 30_000);
    const orders = sandbox()
      .orders()
      .filter((record) => record.coupons.some((coupon) => coupon.startsWith('LF-')));
    expect(orders.map((record) => record.order.status)).toEqual(['payment_initiated']);
    expect(second).toMatchObject({ status: 'rejected', error: { message: expect.stringMatching(/key is taken/) } });
  }, 90_000);
});
