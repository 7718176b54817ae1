import { describe, expect, it } from 'vitest';
import { type Purchase, purchaseKey } from '../../lib/order/kinds/purchase.ts';
import { baselineOf, settleByKey } from '../../lib/reconciliation/key-verdict.ts';

/**
 * A renewal whose answer was lost is settled by its subscription's expiry: later than the baseline read
 * before the first attempt means it renewed. Subscriptions bought through the API renew automatically
 * (`is_auto_renewed: true`), and an automatic renewal moves the expiry by the same one billing period: a
 * manual renewal lost before Hostinger read it while Hostinger's own renewal ran looks the same as one that
 * was made. Once the automatic renewal was due, the move is not taken for this request's (it ends unknown,
 * saying why); before it was due, or on a subscription that does not renew by itself, it is.
 */
const renewal: Purchase = { kind: 'renewal', subscription_id: 'Azz353Uhl1xC54pR0' };
const subscription = (expires: string, isAutoRenewed = true) => ({
  id: 'Azz353Uhl1xC54pR0',
  name: 'KVM 2',
  status: 'active',
  currency_code: 'USD',
  billing_period: 1,
  billing_period_unit: 'month',
  is_auto_renewed: isAutoRenewed,
  created_at: '2026-10-30T06:00:00Z',
  expires_at: expires,
  next_billing_at: expires,
});
const key = purchaseKey(renewal, 'r');
const DUE = '2026-11-30T06:30:00Z';
const RENEWED = '2026-12-30T06:30:00Z';

function settle(options: { isAutoRenewed: boolean; lookedAt: string }) {
  if (!key) throw new Error('a renewal has a key');
  // Read before the first attempt.
  const before = baselineOf(key, { subscriptions: [subscription(DUE, options.isAutoRenewed)] as never });
  if (!('baseline' in before)) throw new Error('renewable');
  return settleByKey(key, before.baseline, { subscriptions: [subscription(RENEWED, options.isAutoRenewed)] as never }, Date.parse(options.lookedAt));
}

describe('a renewal settled by its expiry', () => {
  it('is not credited with an automatic renewal that was due during its lost attempt: it says why instead', () => {
    const settled = settle({ isAutoRenewed: true, lookedAt: '2026-11-30T06:31:00Z' });
    expect(settled.found).toBe(false);
    expect(settled).toMatchObject({ ambiguous: expect.stringMatching(/renews automatically and was due at 2026-11-30T06:30:00Z/) });
  });

  it('is found when the automatic renewal was not due yet', () => {
    expect(settle({ isAutoRenewed: true, lookedAt: '2026-11-30T06:29:00Z' })).toMatchObject({ found: true, bought: { subscription: { expires_at: RENEWED } } });
  });

  it('is found on a subscription that does not renew by itself, whenever it is looked at', () => {
    expect(settle({ isAutoRenewed: false, lookedAt: '2026-11-30T06:31:00Z' })).toMatchObject({ found: true });
  });
});
