import { describe, expect, it } from 'vitest';
import { HostingerReadError, type PaymentMethod } from '../../lib/hostinger/billing-reader.ts';
import { createPendingPaymentCheck, DEFAULT_NEVER_PENDING_PAYMENT_KINDS } from '../../lib/reconciliation/pending-payment.ts';

const card: PaymentMethod = { id: 1327362, payment_method: 'card', is_default: true };
const paypal: PaymentMethod = { id: 1327363, payment_method: 'paypal', is_default: false };
const transfer: PaymentMethod = { id: 1327366, payment_method: 'bank_transfer', is_default: false };
const kvm2 = (paymentMethodId?: number) => ({
  ...(paymentMethodId ? { payment_method_id: paymentMethodId } : {}),
  items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }],
});

const checkWith = (methods: () => Promise<PaymentMethod[]>, neverPendingKinds = DEFAULT_NEVER_PENDING_PAYMENT_KINDS) =>
  createPendingPaymentCheck({ paymentMethods: methods, neverPendingKinds });

describe('createPendingPaymentCheck: can an order paid this way exist without a subscription?', () => {
  it('PayPal settles within the request: absence from the subscriptions is evidence, a 5xx may be retried', async () => {
    await expect(checkWith(async () => [card, paypal])(kvm2(1327363))).resolves.toEqual({ result: 'settled' });
  });

  it('a card may wait for 3-D Secure: the reason names the method and where to look', async () => {
    const verdict = await checkWith(async () => [card, paypal])(kvm2(1327362));
    expect(verdict).toMatchObject({ result: 'mayBePending' });
    expect(verdict.result === 'mayBePending' && verdict.reason).toBe(
      'an order awaiting payment on payment method 1327362 (card) may exist: check hPanel > Billing > Orders before ordering again',
    );
  });

  it('an order without payment_method_id is paid with the default method', async () => {
    await expect(checkWith(async () => [card, paypal])(kvm2())).resolves.toMatchObject({ result: 'mayBePending', reason: expect.stringContaining('1327362 (card)') });
    await expect(
      checkWith(async () => [
        { ...card, is_default: false },
        { ...paypal, is_default: true },
      ])(kvm2()),
    ).resolves.toEqual({ result: 'settled' });
  });

  it('a kind not known to settle at once, or a method not in the list, may be pending', async () => {
    await expect(checkWith(async () => [card, transfer])(kvm2(1327366))).resolves.toMatchObject({ result: 'mayBePending', reason: expect.stringContaining('(bank_transfer)') });
    await expect(checkWith(async () => [card])(kvm2(42))).resolves.toMatchObject({ result: 'mayBePending', reason: expect.stringContaining('payment method 42') });
  });

  it('the kinds that settle at once are a setting: none at all makes every 5xx end unknown unless the order is found', async () => {
    await expect(checkWith(async () => [paypal], [])(kvm2(1327363))).resolves.toMatchObject({ result: 'mayBePending' });
    await expect(checkWith(async () => [card], ['card'])(kvm2(1327362))).resolves.toEqual({ result: 'settled' });
  });

  it('a list that cannot be read now defers; an API without the list gives no kind to go by, as before: settled', async () => {
    const down = checkWith(async () => Promise.reject(new HostingerReadError('GET /api/billing/v1/payment-methods answered HTTP 503', 503)));
    await expect(down(kvm2(1327362))).resolves.toMatchObject({ result: 'deferred', reason: expect.stringContaining('503') });
    const missing = checkWith(async () => Promise.reject(new HostingerReadError('GET /api/billing/v1/payment-methods answered HTTP 404', 404)));
    await expect(missing(kvm2(1327362))).resolves.toEqual({ result: 'settled' });
  });
});
