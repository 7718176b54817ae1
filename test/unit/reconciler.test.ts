import { describe, expect, it } from 'vitest';
import { HostingerReadError, type BillingReader } from '../../lib/hostinger/billing-reader.ts';
import type { CatalogCache } from '../../lib/catalog/catalog-cache.ts';
import { createReconciler } from '../../lib/reconciliation/reconciler.ts';

/** What the reconciler answers when it cannot read the account: "no evidence, ever" only for a missing endpoint. */
function reconcilerWith(subscriptions: () => Promise<never>, token: () => Promise<string> = async () => 't') {
  const billing = { subscriptions } as unknown as BillingReader;
  const catalog = { prices: async () => new Map(), paymentMethods: async () => [] } as CatalogCache;
  const ledger = { subscriptionsBoughtByAnswer: async () => new Set<string>(), claimSubscription: async () => true, unsettledAttempts: async () => [] };
  return createReconciler({
    billing,
    catalog,
    ledger,
    token,
    settings: { clockSkewMs: 0, lateMs: 0, settleMs: 0 },
    timeoutMs: 100,
    reserveMs: 100,
    sleep: async () => undefined,
    now: () => 10_000,
  });
}

const order = { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] };
const window = { startedAt: 9_000, endedAt: 9_500, answered: true };
const plenty = { remainingMs: () => 60_000 };

describe('createReconciler when the account cannot be read', () => {
  it('an API without a subscriptions list is "unavailable": no evidence, ever', async () => {
    const reconcile = reconcilerWith(async () => Promise.reject(new HostingerReadError('GET /api/billing/v1/subscriptions answered HTTP 404', 404)));
    await expect(reconcile('r', order, window, plenty)).resolves.toMatchObject({ result: 'unavailable' });
  });

  it.each([
    ['a 5xx on the list', () => Promise.reject(new HostingerReadError('GET /api/billing/v1/subscriptions answered HTTP 503', 503)), undefined],
    ['an unreadable token', () => Promise.reject(new Error('unreachable')), () => Promise.reject(new Error('secrets manager down'))],
  ])('%s defers: the next delivery looks again before anything is ordered', async (_name, subscriptions, token) => {
    const reconcile = reconcilerWith(subscriptions as () => Promise<never>, token);
    await expect(reconcile('r', order, window, plenty)).resolves.toMatchObject({ result: 'deferred' });
  });
});
