import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * With the default settings (30 s worker, 180 s visibility, 10 s Hostinger timeout, RECONCILE_LATE_MS 5 s),
 * an answer lost to a timeout leaves no time in the invocation to check the account: the message goes back
 * to the queue for the time the check needs (ChangeMessageVisibility), not for the rest of its 180 s, and
 * GET /orders/{id} shows the request as `reconciling` meanwhile.
 */
const DEFAULTS = {
  HOSTINGER_TIMEOUT_MS: '10000',
  WORKER_RESERVE_MS: '2000',
  RECONCILE_SETTLE_MS: '1000',
  RECONCILE_LATE_MS: '5000',
  RECONCILE_CLOCK_SKEW_MS: '2000',
};
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({ worker: { functionTimeoutSeconds: 30, visibilityTimeoutSeconds: 180 }, functionEnv: DEFAULTS });
});
afterAll(async () => {
  await t?.stop();
});

it('a lost answer settles within two minutes, shown as reconciling with its attempt time meanwhile', async () => {
  // Hostinger answers after our 10 s timeout, and makes the order late: a lost answer.
  t.stack.sandbox?.addFaults([{ fault: 'delay', delayMs: 11_000, match: { coupon: 'V-SLOW' } }]);
  const started = Date.now();
  await t.sendMessage(JSON.stringify({ requestId: 'v-slow', items: [{ item_id: 'hostingercom-vps-kvm1-usd-1m', quantity: 1 }], coupons: ['V-SLOW'] }));

  let view: Record<string, unknown> = {};
  while (view.status !== 'reconciling' && Date.now() - started < 25_000) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    view = (await t.getOrder('v-slow')).json;
  }
  expect(view).toMatchObject({ status: 'reconciling', attemptStartedAt: expect.any(String) });
  expect(Math.abs(Date.parse(String(view?.attemptStartedAt)) - started)).toBeLessThan(5_000);

  const outcome = await t.waitForOutcome('v-slow', 120_000);
  const settledMs = Date.now() - started;
  console.log(`lost answer (timeout) settled in ${(settledMs / 1000).toFixed(1)} s with default settings`);
  expect(outcome).toMatchObject({ type: 'order.succeeded', reconciliation: { result: 'found' } });
  expect(settledMs).toBeLessThan(60_000);
  expect(t.stack.sandbox?.orders().filter((o) => o.coupons.includes('V-SLOW'))).toHaveLength(1);
}, 150_000);
