import { describe, expect, it } from 'vitest';
import { ORDER_LIMITS, parseOrderMessage, parseOrderRequest } from '../../lib/order/order-request.ts';

const valid = { payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 2 }], coupons: ['Coupon 3'] };

describe('parseOrderRequest', () => {
  it('accepts the StoreRequest shape as is', () => {
    expect(parseOrderRequest(valid)).toEqual({ ok: true, value: valid });
  });

  it('accepts the PurchaseRequest shape: no payment method, quantity defaulting to 1', () => {
    const parsed = parseOrderRequest({ items: [{ item_id: 'hostingercom-domain-com-usd-1y' }] });
    expect(parsed).toEqual({ ok: true, value: { items: [{ item_id: 'hostingercom-domain-com-usd-1y', quantity: 1 }] } });
  });

  it.each([
    ['unknown top-level field', { ...valid, extra: 1 }, 'extra'],
    ['unknown item field', { items: [{ item_id: 'a', quantity: 1, price: 0 }] }, 'items.0.price'],
    ['missing items', { payment_method_id: 1 }, 'items'],
    ['empty items', { items: [] }, 'items'],
    ['string payment method', { ...valid, payment_method_id: '1327362' }, 'payment_method_id'],
    ['fractional payment method', { ...valid, payment_method_id: 1.5 }, 'payment_method_id'],
    ['zero quantity', { items: [{ item_id: 'a', quantity: 0 }] }, 'items.0.quantity'],
    ['absurd quantity', { items: [{ item_id: 'a', quantity: ORDER_LIMITS.maxQuantity + 1 }] }, 'items.0.quantity'],
    ['huge quantity', { items: [{ item_id: 'a', quantity: 1e308 }] }, 'items.0.quantity'],
    ['missing item_id', { items: [{ quantity: 1 }] }, 'items.0.item_id'],
    ['over-long item_id', { items: [{ item_id: 'a'.repeat(ORDER_LIMITS.maxItemIdLength + 1) }] }, 'items.0.item_id'],
    ['item_id with a slash', { items: [{ item_id: '../etc' }] }, 'items.0.item_id'],
    ['too many items', { items: Array.from({ length: ORDER_LIMITS.maxItems + 1 }, () => ({ item_id: 'a' })) }, 'items'],
    ['non-string coupon', { ...valid, coupons: [5] }, 'coupons.0'],
    ['too many coupons', { ...valid, coupons: Array.from({ length: ORDER_LIMITS.maxCoupons + 1 }, () => 'C') }, 'coupons'],
    ['coupon with control characters', { ...valid, coupons: ['a\u0000b'] }, 'coupons.0'],
  ])('rejects %s naming the field', (_name, input, field) => {
    const parsed = parseOrderRequest(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors)).toContain(field);
  });

  it.each([null, 'order', 42, [valid]])('rejects a body that is not an object (%j)', (input) => {
    const parsed = parseOrderRequest(input);
    expect(parsed).toEqual({ ok: false, errors: { body: ['must be a JSON object'] } });
  });

  it('reports every bad field at once', () => {
    const parsed = parseOrderRequest({ payment_method_id: 'x', items: [{ item_id: '', quantity: -1 }] });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors).sort()).toEqual(['items.0.item_id', 'items.0.quantity', 'payment_method_id']);
  });
});

describe('parseOrderMessage', () => {
  it('takes an optional producer-chosen requestId', () => {
    const parsed = parseOrderMessage({ ...valid, requestId: 'fleet-2026-11:42' });
    expect(parsed.ok && parsed.value.requestId).toBe('fleet-2026-11:42');
  });

  it('rejects an unusable requestId', () => {
    const parsed = parseOrderMessage({ ...valid, requestId: 'has space' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors)).toEqual(['requestId']);
  });
});
