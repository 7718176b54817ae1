import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxOf } from '../support/crashing-stack.ts';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

/**
 * A renewal answered 202 ends pending: its payment completes later, and only then does the subscription's
 * expiry move. Its follow-up reads that move by the purchase key, against the baseline it holds. While the
 * payment may complete, the key stays held: a second renewal of the same subscription is refused, or it would
 * renew it twice and the two would each take the other's moved expiry for their own. Once its follow-up ends,
 * the key is freed, and the subscription can be renewed again.
 */
const PAYPAL = 1327363;
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({
    followUpIntervalMs: 200,
    functionEnv: { FOLLOW_UP_FIRST_LOOK_SECONDS: '1', FOLLOW_UP_MAX_INTERVAL_SECONDS: '1', PENDING_PAYMENT_TIMEOUT_SECONDS: '4' },
  });
});
afterAll(async () => {
  await t?.stop();
});

const sandbox = () => sandboxOf(t);

describe('a renewal whose payment is still processing (202, pending)', () => {
  it('keeps its subscription held: a second renewal of it is refused, one renewal order', async () => {
    await t.sendMessage(JSON.stringify({ requestId: 'rp-setup', items: [{ item_id: 'hostingercom-hosting-premium-usd-1m' }], payment_method_id: PAYPAL, coupons: ['RP-SETUP'] }));
    const subscriptionId = (await t.waitForOutcome('rp-setup', 30_000)).order?.subscription_id;
    if (!subscriptionId) throw new Error('the order made no subscription');

    sandbox().addFaults([{ fault: 'accepted', match: { coupon: 'RP-1' } }]);
    await t.sendMessage(JSON.stringify({ requestId: 'rp-first', kind: 'renewal', subscription_id: subscriptionId, payment_method_id: PAYPAL, coupons: ['RP-1'] }));
    expect(await t.waitForOutcome('rp-first', 30_000)).toMatchObject({ kind: 'renewal', status: 'pending' });

    await t.sendMessage(JSON.stringify({ requestId: 'rp-second', kind: 'renewal', subscription_id: subscriptionId, payment_method_id: PAYPAL, coupons: ['RP-2'] }));
    const second = await t.waitForOutcome('rp-second', 30_000);
    const renewals = sandbox()
      .orders()
      .filter((record) => record.coupons.some((coupon) => coupon === 'RP-1' || coupon === 'RP-2'));
    expect(renewals.map((record) => record.order.status)).toEqual(['payment_initiated']);
    expect(second).toMatchObject({ status: 'rejected', error: { message: expect.stringMatching(/key is taken/) } });

    const final = await waitUntil(() => t.outcomes.find((outcome) => outcome.outcomeId === 'final:rp-first'), 20_000, 'the final outcome');
    expect(final).toMatchObject({ type: 'order.failed' });
    await t.sendMessage(JSON.stringify({ requestId: 'rp-third', kind: 'renewal', subscription_id: subscriptionId, payment_method_id: PAYPAL, coupons: ['RP-3'] }));
    expect(await t.waitForOutcome('rp-third', 30_000)).toMatchObject({ kind: 'renewal', status: 'succeeded' });
  }, 60_000);
});
