import { describe, expect, it } from 'vitest';
import type { CatalogCache } from '../../lib/catalog/catalog-cache.ts';
import type { BillingReader } from '../../lib/hostinger/billing-reader.ts';
import type { LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import { createReconciler } from '../../lib/reconciliation/reconciler.ts';
import { collectingLog } from '../support/log.ts';

/**
 * Joint settlement under index lag. A's answer was lost and A bought nothing; R1's answer was lost after it
 * bought P1; R2 is in flight and bought P2 (its answer is on the way). R1's window reaches P2, so P2 joins
 * the group, but R2's mark is not in the (lagging) unsettled-attempts index yet: the group looks like two
 * attempts (A, R1) and two purchases (P1, P2), "every attempt bought", and A is credited P1, which it did not
 * buy (R1 then finds nothing left and ends unknown though it bought).
 */
const itemId = 'hostingercom-vps-kvm2-usd-1m';
const price = { id: itemId, itemName: 'KVM 2', currency: 'USD', price: 899, firstPeriodPrice: 699, period: 1, periodUnit: 'month' };
const subscriptionAt = (id: string, ms: number) => ({
  id,
  name: 'KVM 2',
  currency_code: 'USD',
  billing_period: 1,
  billing_period_unit: 'month',
  created_at: new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'),
});
const order = { items: [{ item_id: itemId, quantity: 1 }] };
const INDEX_LAG_MS = 2_000;

const record = (requestId: string, status: LedgerRecord['status'], inFlight: LedgerRecord['inFlight'], leaseUntil?: number): LedgerRecord => ({
  requestId,
  status,
  source: 'queue',
  attempts: 0,
  inFlight,
  ...(leaseUntil ? { leaseUntil } : {}),
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
});

function stack(lookAt: number) {
  let clock = lookAt;
  const claims = new Map<string, string>();
  // Each rival's mark, with when it was written: the index shows it INDEX_LAG_MS later.
  const marks = [
    { requestId: 'A', since: 19_000 },
    { requestId: 'R1', since: 19_500 },
    { requestId: 'R2', since: 24_000 },
  ];
  const records = new Map<string, LedgerRecord>([
    ['A', record('A', 'submitting', { startedAt: 19_000, claimToken: 'a', endedAt: 20_000 }, 60_000)],
    ['R1', record('R1', 'queued', { startedAt: 19_500, claimToken: 'r1', endedAt: 22_000 })],
    ['R2', record('R2', 'submitting', { startedAt: 24_000, claimToken: 'r2' }, 60_000)],
  ]);
  const subscriptions = [subscriptionAt('P1', 20_000), subscriptionAt('P2', 24_000)];
  const reconcile = createReconciler({
    log: collectingLog(),
    billing: { subscriptions: async () => subscriptions } as unknown as BillingReader,
    catalog: { prices: async () => new Map([[itemId, price]]), paymentMethods: async () => [] } as CatalogCache,
    ledger: {
      subscriptionsBoughtByAnswer: async () => new Set<string>(),
      claimSubscription: async (subscriptionId, requestId) => {
        if (claims.has(subscriptionId) && claims.get(subscriptionId) !== requestId) return false;
        claims.set(subscriptionId, requestId);
        return true;
      },
      unsettledAttempts: async (_item, from, to) => marks.filter((mark) => mark.since >= from && mark.since <= to && mark.since + INDEX_LAG_MS <= clock),
      attributions: async (ids) => new Map(ids.flatMap((id) => (claims.has(id) ? [[id, claims.get(id) as string] as const] : []))),
      get: async (id) => records.get(id),
    },
    token: async () => 't',
    settings: { clockSkewMs: 0, lateMs: 3_000, settleMs: 100, indexLagMs: INDEX_LAG_MS, patienceMs: 600_000, sharedAccount: false },
    timeoutMs: 100,
    reserveMs: 100,
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
  });
  return { reconcile, claims };
}

describe('joint settlement with a rival whose mark the index does not show yet', () => {
  it('does not credit A with a purchase while a rival that could explain the group is still invisible', async () => {
    // A's check runs at 25.1 s (a redelivery after a shortfall): P2 (24 s) exists, R2's mark (24 s) shows at 26 s.
    const { reconcile, claims } = stack(25_100);
    const verdict = await reconcile('A', order, { startedAt: 19_000, endedAt: 20_000, answered: false }, { remainingMs: () => 60_000 });
    expect(verdict.result).not.toBe('found');
    expect([...claims.values()]).not.toContain('A');
  });

  it('once R2 shows (in flight), A waits for it rather than taking a purchase', async () => {
    const { reconcile, claims } = stack(26_100);
    const verdict = await reconcile('A', order, { startedAt: 19_000, endedAt: 20_000, answered: false }, { remainingMs: () => 60_000 });
    expect(verdict.result).toBe('deferred');
    expect(claims.size).toBe(0);
  });
});
