import { describe, expect, it } from 'vitest';
import type { CatalogCache } from '../../lib/catalog/catalog-cache.ts';
import { type BillingReader, HostingerReadError } from '../../lib/hostinger/billing-reader.ts';
import { createReconciler } from '../../lib/reconciliation/reconciler.ts';
import { collectingLog } from '../support/log.ts';

/** What the reconciler answers when it cannot read the account: "no evidence, ever" only for a missing endpoint. */
function reconcilerWith(subscriptions: () => Promise<never>, token: () => Promise<string> = async () => 't') {
  const billing = { subscriptions } as unknown as BillingReader;
  const catalog = { prices: async () => new Map(), paymentMethods: async () => [] } as CatalogCache;
  const ledger = {
    subscriptionsBoughtByAnswer: async () => new Set<string>(),
    claimSubscription: async () => true,
    unsettledAttempts: async () => [],
    attributions: async () => new Map<string, string>(),
    get: async () => undefined,
  };
  return createReconciler({
    log: collectingLog(),
    billing,
    catalog,
    ledger,
    token,
    settings: { clockSkewMs: 0, lateMs: 0, settleMs: 0, indexLagMs: 0, patienceMs: 0, sharedAccount: false },
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

describe('createReconciler: work Hostinger may finish after answering', () => {
  const price = { id: order.items[0]!.item_id, itemName: 'KVM 2', currency: 'USD', price: 899, firstPeriodPrice: 699, period: 1, periodUnit: 'month' };
  const subscriptionAt = (ms: number) => ({
    id: `sub-${ms}`,
    name: 'KVM 2',
    currency_code: 'USD',
    billing_period: 1,
    billing_period_unit: 'month',
    created_at: new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  function lateReconciler(subscriptions: { id: string; created_at: string }[], indexLagMs = 0) {
    const sleeps: number[] = [];
    const rivalsAskedAt: number[] = [];
    let clock = 20_000;
    const reconcile = createReconciler({
      log: collectingLog(),
      billing: { subscriptions: async () => subscriptions } as unknown as BillingReader,
      catalog: { prices: async () => new Map([[price.id, price]]), paymentMethods: async () => [] } as CatalogCache,
      ledger: {
        subscriptionsBoughtByAnswer: async () => new Set<string>(),
        claimSubscription: async () => true,
        unsettledAttempts: async () => (rivalsAskedAt.push(clock), []),
        attributions: async () => new Map<string, string>(),
        get: async () => undefined,
      },
      token: async () => 't',
      settings: { clockSkewMs: 0, lateMs: 3_000, settleMs: 100, indexLagMs, patienceMs: 0, sharedAccount: false },
      timeoutMs: 100,
      reserveMs: 100,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
    });
    return { reconcile, sleeps, rivalsAskedAt };
  }
  // The gateway answered at 20 s; the origin made the order 2 s later.
  const made = subscriptionAt(22_000);

  it.each([502, 504, 520, 521, 522, 523, 524])('after a gateway %i it waits RECONCILE_LATE_MS and finds an order made after the answer', async (httpStatus) => {
    const { reconcile, sleeps } = lateReconciler([made]);
    await expect(reconcile('r', order, { startedAt: 19_000, endedAt: 20_000, answered: true, httpStatus }, plenty)).resolves.toMatchObject({
      result: 'found',
      subscription: { id: made.id },
    });
    expect(sleeps).toEqual([3_100]);
  });

  it('asks the (lagging) index for rivals only once every attempt that could have made a candidate shows in it', async () => {
    const { reconcile, rivalsAskedAt } = lateReconciler([made], 2_000);
    await expect(reconcile('r', order, { startedAt: 19_000, endedAt: 20_000, answered: true, httpStatus: 502 }, plenty)).resolves.toMatchObject({ result: 'found' });
    // Made at 22 s; a rival marks its attempt before 23 s (created_at's resolution), visible 2 s later.
    expect(rivalsAskedAt).toEqual([25_000]);
  });

  it('hands the message back for that long when the invocation cannot wait', async () => {
    const { reconcile } = lateReconciler([made], 60_000);
    await expect(reconcile('r', order, { startedAt: 19_000, endedAt: 20_000, answered: true, httpStatus: 502 }, plenty)).resolves.toMatchObject({
      result: 'deferred',
      retryAt: 83_000,
    });
  });

  it.each([500, 503, 501])('after a %i from Hostinger itself it looks after RECONCILE_SETTLE_MS only: the application is done with the request', async (httpStatus) => {
    const { reconcile, sleeps } = lateReconciler([made]);
    await expect(reconcile('r', order, { startedAt: 19_000, endedAt: 20_000, answered: true, httpStatus }, plenty)).resolves.toMatchObject({ result: 'absent' });
    expect(sleeps).toEqual([100]);
  });
});
