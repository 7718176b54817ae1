import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

const KVM2 = 'hostingercom-vps-kvm2-usd-1m';
/** The sandbox's card that needs 3-D Secure: its orders wait for payment until someone pays in hPanel. */
const CARD_NEEDING_3DS = 1327364;
const order = (coupon: string) => ({ payment_method_id: CARD_NEEDING_3DS, items: [{ item_id: KVM2, quantity: 1 }], coupons: [coupon] });

let t: TestStack;
const outcomesOf = (requestId: string) => t.outcomes.filter((outcome) => outcome.requestId === requestId);

beforeAll(async () => {
  t = await startTestStack({
    followUpIntervalMs: 200,
    functionEnv: { FOLLOW_UP_FIRST_LOOK_SECONDS: '1', FOLLOW_UP_MAX_INTERVAL_SECONDS: '1', PENDING_PAYMENT_TIMEOUT_SECONDS: '6' },
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('pending payments are followed to the end', () => {
  it('ends succeeded, with a final outcome, when the payment completes a few seconds after awaiting_payment', async () => {
    const { json } = await t.postOrder(order('F-PAID'));
    const requestId = json.requestId as string;
    const interim = await t.waitForOutcome(requestId);
    expect(interim).toMatchObject({ type: 'order.pending', order: { status: 'awaiting_payment' } });
    expect((await t.getOrder(requestId)).json).toMatchObject({ status: 'pending', followedUntil: expect.any(String) });

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const paid = await fetch(`${t.stack.sandbox?.url}/__sandbox/payments`, { method: 'POST', body: JSON.stringify({ orderId: interim.order?.id }) });
    expect(paid.status).toBe(200);

    const final = await waitUntil(() => outcomesOf(requestId).find((outcome) => outcome.type !== 'order.pending'), 10_000, 'the final outcome');
    expect(final).toMatchObject({
      type: 'order.succeeded',
      requestId,
      outcomeId: `final:${requestId}`,
      reconciliation: { result: 'found', subscriptionId: interim.order?.subscription_id },
    });
    expect((await t.getOrder(requestId)).json).toMatchObject({ status: 'succeeded', outcomeId: `final:${requestId}` });
    expect(t.stack.sandbox?.orders().filter((o) => o.coupons.includes('F-PAID'))).toHaveLength(1);
    // Exactly one final outcome, however many runs looked.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(
      outcomesOf(requestId)
        .filter((outcome) => outcome.type !== 'order.pending')
        .map((outcome) => outcome.outcomeId),
    ).toEqual([`final:${requestId}`]);
  });

  it('ends failed at the deadline, saying what to check, when the payment never completes', async () => {
    const { json } = await t.postOrder(order('F-UNPAID'));
    const requestId = json.requestId as string;
    const interim = await t.waitForOutcome(requestId);
    expect(interim.type).toBe('order.pending');
    const final = await waitUntil(() => outcomesOf(requestId).find((outcome) => outcome.type !== 'order.pending'), 15_000, 'the final outcome');
    expect(final.type).toBe('order.failed');
    expect(final.error?.message).toContain(`the payment of order ${interim.order?.id} was not completed`);
    expect(final.error?.message).toContain('hPanel');
    expect((await t.getOrder(requestId)).json).toMatchObject({ status: 'failed' });
  });
});
