import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrashPoint, injectWorkerCrashes } from '../../local/worker-faults.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * RETRY_AMBIGUOUS_ATTEMPTS=true trades a late order (made after RECONCILE_LATE_MS) for fewer unknowns on a
 * method that cannot be left pending. A VPS, domain or renewal's lost answer may have been a 202 made at once,
 * whose key never shows it on PayPal as on a card: trying it again buys it twice, so the flag must not apply.
 */
const PAYPAL = 1327363;
const crashes = new Map<string, CrashPoint>();
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack({
    worker: { visibilityTimeoutSeconds: 2, functionTimeoutSeconds: 3 },
    functionEnv: { HOSTINGER_TIMEOUT_MS: '600', WORKER_RESERVE_MS: '300', RETRY_AMBIGUOUS_ATTEMPTS: 'true' },
    decorateWorker: (deps) =>
      injectWorkerCrashes(deps, (point, requestIds) => {
        const victim = requestIds.find((requestId) => crashes.get(requestId) === point);
        if (victim) crashes.delete(victim);
        return victim !== undefined;
      }),
  });
});
afterAll(async () => {
  await t?.stop();
});

const sandbox = () => {
  if (!t.stack.sandbox) throw new Error('these tests need the built-in sandbox');
  return t.stack.sandbox;
};

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
