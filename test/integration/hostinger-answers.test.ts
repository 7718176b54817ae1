import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, injectRefusedConnections } from '../../local/fault-campaign/refused-connections.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * Hostinger answers that hide what was done, end to end on the local stack: a 5xx after an order that waits
 * for payment (no subscription shows it), and a gateway that gives up while the application goes on.
 */
const CARD = 1327362; // the default: a card, which its issuer may hold for 3-D Secure on any payment
const PAYPAL = 1327363; // never leaves an order pending
const CARD_3DS = 1327364;
let t: TestStack;
/** Orders (by coupon) whose first attempt goes to a closed port, and those refused so far. */
const toRefuse = new Set(['H-REFUSED']);
const refused = new Set<string>();

const order = (coupon: string, itemId: string, paymentMethodId?: number) => ({
  ...(paymentMethodId ? { payment_method_id: paymentMethodId } : {}),
  items: [{ item_id: itemId, quantity: 1 }],
  coupons: [coupon],
});
const send = async (requestId: string, body: unknown) => t.sendMessage(JSON.stringify({ requestId, ...(body as object) }));

beforeAll(async () => {
  // The gateway faults below make their order 1.5 s after answering: well within the late window.
  const port = await closedPort();
  t = await startTestStack({
    functionEnv: { RECONCILE_LATE_MS: '2500' },
    decorateWorker: (deps) =>
      injectRefusedConnections(deps, {
        port,
        timeoutMs: 2_000,
        refuseFirst: (coupons) => coupons.some((coupon) => toRefuse.has(coupon) && !refused.has(coupon)),
        refused: (coupons) => coupons.forEach((coupon) => refused.add(coupon)),
      }),
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('a 5xx after Hostinger made an order awaiting payment', () => {
  it('on a card: ends unknown, saying which method and where to look, and never orders again', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'error500AfterPendingOrder', match: { coupon: 'H-CARD' } }]);
    await send('h-card', order('H-CARD', 'hostingercom-vps-kvm1-usd-12m'));
    const outcome = await t.waitForOutcome('h-card');
    expect(outcome).toMatchObject({ type: 'order.unknown', attempts: 1, error: { httpStatus: 500 }, reconciliation: { result: 'absent' } });
    expect(outcome.error?.message).toContain(`an order awaiting payment on payment method ${CARD} (card) may exist: check hPanel > Billing > Orders before ordering again`);
    expect(t.ordersWithCoupon('H-CARD')).toMatchObject([{ order: { status: 'awaiting_payment' } }]);
  });

  it('on a card that needs 3-D Secure, after a plain 500-after-create: the same', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'error500AfterCreate', match: { coupon: 'H-3DS' } }]);
    await send('h-3ds', order('H-3DS', 'hostingercom-hosting-premium-usd-12m', CARD_3DS));
    const outcome = await t.waitForOutcome('h-3ds');
    expect(outcome).toMatchObject({ type: 'order.unknown', attempts: 1 });
    expect(outcome.error?.message).toContain(`payment method ${CARD_3DS} (card)`);
    expect(t.ordersWithCoupon('H-3DS')).toHaveLength(1);
  });

  it('on PayPal the order cannot wait: it was completed, and reconciliation finds it', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'error500AfterPendingOrder', match: { coupon: 'H-PAYPAL' } }]);
    await send('h-paypal', order('H-PAYPAL', 'hostingercom-domain-com-usd-1y', PAYPAL));
    await expect(t.waitForOutcome('h-paypal')).resolves.toMatchObject({ type: 'order.succeeded', reconciliation: { result: 'found' } });
    expect(t.ordersWithCoupon('H-PAYPAL')).toHaveLength(1);
  });

  it('on PayPal a 500 before any order is retried, as the seed asks', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'error500', match: { coupon: 'H-RETRY' } }]);
    await send('h-retry', order('H-RETRY', 'hostingercom-vps-kvm2-eur-1m', PAYPAL));
    await expect(t.waitForOutcome('h-retry')).resolves.toMatchObject({ type: 'order.succeeded', attempts: 2 });
    expect(t.ordersWithCoupon('H-RETRY')).toHaveLength(1);
  });
});

describe('a gateway 5xx while the application goes on making the order', () => {
  it.each([
    ['error502CreateLater', 'H-502', 'hostingercom-vps-kvm1-eur-1m'],
    ['error504CreateLater', 'H-504', 'hostingercom-hosting-premium-usd-1m'],
  ] as const)('%s: the check waits for late work and finds the order made after the answer', async (fault, coupon, itemId) => {
    t.stack.sandbox?.addFaults([{ fault, delayMs: 1500, match: { coupon } }]);
    const requestId = coupon.toLowerCase();
    await send(requestId, order(coupon, itemId, PAYPAL));
    await expect(t.waitForOutcome(requestId)).resolves.toMatchObject({ type: 'order.succeeded', attempts: 1, reconciliation: { result: 'found' } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(t.ordersWithCoupon(coupon)).toHaveLength(1);
  });
});

describe('a connection refused before anything was sent', () => {
  it('is retried at once, without a check, and buys once, even on a card', async () => {
    await send('h-refused', order('H-REFUSED', 'hostingercom-hosting-premium-usd-48m'));
    await expect(t.waitForOutcome('h-refused')).resolves.toMatchObject({ type: 'order.succeeded', attempts: 2 });
    expect(refused.has('H-REFUSED')).toBe(true);
    expect(t.ordersWithCoupon('H-REFUSED')).toHaveLength(1);
  });
});
