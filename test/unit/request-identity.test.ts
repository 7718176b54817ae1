import { describe, expect, it } from 'vitest';
import { isValidIdempotencyKey, requestHash, requestIdForIdempotencyKey } from '../../lib/order/request-identity.ts';

describe('request identity', () => {
  it('derives the same UUID-shaped id from the same key, and different ids from different keys', () => {
    const id = requestIdForIdempotencyKey('order-1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(requestIdForIdempotencyKey('order-1')).toBe(id);
    expect(requestIdForIdempotencyKey('order-2')).not.toBe(id);
  });

  it('hashes equal orders equally whatever their key order, and different orders differently', () => {
    const a = requestHash({ payment_method_id: 1, items: [{ item_id: 'x', quantity: 1 }] });
    const b = requestHash({ items: [{ quantity: 1, item_id: 'x' }], payment_method_id: 1 });
    const c = requestHash({ payment_method_id: 1, items: [{ item_id: 'x', quantity: 2 }] });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it.each([
    ['abc-123', true],
    ['', false],
    ['with space', false],
    ['x'.repeat(256), false],
    ['ünïcode', false],
  ])('idempotency key %j valid: %s', (key, valid) => {
    expect(isValidIdempotencyKey(key)).toBe(valid);
  });
});
