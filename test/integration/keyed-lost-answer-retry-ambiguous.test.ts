import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrashingStack, sandboxOf, startCrashingStack } from '../support/crashing-stack.ts';
import type { TestStack } from '../support/local-stack.ts';

/**
 * RETRY_AMBIGUOUS_ATTEMPTS=true trades a late order (made after RECONCILE_LATE_MS) for fewer unknowns on a
 * method that cannot be left pending. A VPS, domain or renewal's lost answer may have been a 202 made at once,
 * whose key never shows it on PayPal as on a card: trying it again buys it twice, so the flag must not apply.
 */
const PAYPAL = 1327363;
let t: TestStack;
let crashes: CrashingStack['crashes'];

beforeAll(async () => {
  ({ t, crashes } = await startCrashingStack({ functionEnv: { RETRY_AMBIGUOUS_ATTEMPTS: 'true' } }));
});
afterAll(async () => {
  await t?.stop();
});

const sandbox = () => sandboxOf(t);

describe('with RETRY_AMBIGUOUS_ATTEMPTS=true, a VPS whose 202 was lost (the worker died after the call), paid with PayPal', () => {
  it('ends unknown with one order, never bought again', async () => {
    sandbox().addFaults([{ fault: 'accepted', match: { coupon: 'RA-VPS' } }]);
    crashes.set('ra-vps', 'afterCall');
    await t.sendMessage(
      JSON.stringify({
        requestId: 'ra-vps',
        kind: 'vps',
        item_id: 'hostingercom-vps-kvm1-usd-1m',
        payment_method_id: PAYPAL,
        coupons: ['RA-VPS'],
        setup: { template_id: 1130, data_center_id: 17, hostname: 'retry-ambiguous.example.tld' },
      }),
    );
    const outcome = await t.waitForOutcome('ra-vps', 30_000);
    const orders = sandbox()
      .orders()
      .filter((record) => record.coupons.includes('RA-VPS'));
    expect(orders.map((record) => record.order.status)).toEqual(['payment_initiated']);
    expect(outcome).toMatchObject({ kind: 'vps', type: 'order.unknown', reconciliation: { result: 'absent' } });
  }, 40_000);
});
