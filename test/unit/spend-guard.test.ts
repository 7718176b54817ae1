import { describe, expect, it, vi } from 'vitest';
import type { BudgetLedger } from '../../lib/ledger/budget-ledger.ts';
import { parseSpendingPolicy } from '../../lib/policy/spending-policy.ts';
import { createSpendGuard } from '../../lib/worker/spend-guard.ts';

/** The worker's spending checks before a first attempt, with the catalog and the budget ledger faked. */
const KVM2 = { id: 'hostingercom-vps-kvm2-usd-1m', itemName: 'KVM 2', category: 'VPS', currency: 'USD', price: 1799, firstPeriodPrice: 899, period: 1, periodUnit: 'month' };
const order = (quantity: number) => ({ items: [{ item_id: KVM2.id, quantity }] });
const now = new Date(0);

function fakeBudgets(spent = 0, held = false): BudgetLedger & { reserved: string[]; settled: string[] } {
  const reserved: string[] = [];
  const settled: string[] = [];
  return {
    reserved,
    settled,
    reserve: async (requestId, totals, check) => {
      const usage = { USD: { daily: spent, monthly: spent } };
      const violations = check(usage, totals);
      if (violations.length === 0) reserved.push(requestId);
      return violations.length === 0 ? { reserved: true, already: false, usage } : { reserved: false, violations, usage };
    },
    settle: async (requestId, _currencies, how) => {
      settled.push(`${requestId}:${how}`);
    },
    holds: async () => held,
    usage: async () => ({}),
  };
}

describe('the spend guard', () => {
  const policy = parseSpendingPolicy({ currencies: { USD: { daily: 5000, approvalAbove: 2000 } } });

  it('without a policy reads no catalog and lets everything through', async () => {
    const prices = vi.fn(async () => new Map());
    const guard = createSpendGuard({ policy: parseSpendingPolicy({}), subscriptions: async () => [], prices, budgets: fakeBudgets() });
    expect(await guard.beforeFirstAttempt({ requestId: 'r', purchase: order(100), resumed: false, now })).toEqual({ kind: 'proceed' });
    expect(prices).not.toHaveBeenCalled();
  });

  it('never buys an order denied, or whose wait expired, even once the policy no longer asks for approval', async () => {
    // Held under the old policy, decided, then the policy was changed to `{}` (no limits) before the worker took it again.
    const guard = createSpendGuard({ policy: parseSpendingPolicy({}), subscriptions: async () => [], prices: async () => new Map([[KVM2.id, KVM2]]), budgets: fakeBudgets() });
    const denied = { decision: 'denied' as const, by: 'bob', at: 'then' };
    expect(await guard.beforeFirstAttempt({ requestId: 'r', purchase: order(1), approval: denied, resumed: false, now })).toMatchObject({
      kind: 'rejected',
      error: { code: 'approval_denied' },
    });
    expect(await guard.beforeFirstAttempt({ requestId: 'r', purchase: order(1), approval: { decision: 'expired', at: 'then' }, resumed: false, now })).toMatchObject({
      kind: 'rejected',
      error: { code: 'approval_expired' },
    });
  });

  it('does not buy an approved order for more than the approver was shown: its price rose while it waited', async () => {
    // Held at 26.97 USD (3 x 8.99) and approved; the catalog price is 14.99 by the time the worker takes it again.
    const dearer = { ...KVM2, firstPeriodPrice: 1499 };
    const guard = createSpendGuard({ policy, subscriptions: async () => [], prices: async () => new Map([[KVM2.id, dearer]]), budgets: fakeBudgets() });
    const approval = { decision: 'approved' as const, by: 'bob', at: 'then', totals: { USD: 2697 } };
    expect(await guard.beforeFirstAttempt({ requestId: 'r', purchase: order(3), approval, resumed: false, now })).toMatchObject({
      kind: 'rejected',
      error: { code: 'approval_outdated', message: expect.stringContaining('44.97 USD') },
    });
    // At the price shown, or lower, the approval stands.
    const same = createSpendGuard({ policy, subscriptions: async () => [], prices: async () => new Map([[KVM2.id, KVM2]]), budgets: fakeBudgets() });
    expect(await same.beforeFirstAttempt({ requestId: 'r', purchase: order(3), approval, resumed: false, now })).toMatchObject({ kind: 'proceed' });
  });

  it('waits (retry) when the catalog cannot be read, rather than letting an unpriced order through', async () => {
    const guard = createSpendGuard({ policy, subscriptions: async () => [], prices: async () => Promise.reject(new Error('down')), budgets: fakeBudgets() });
    expect(await guard.beforeFirstAttempt({ requestId: 'r', purchase: order(1), resumed: false, now })).toMatchObject({ kind: 'retry', reason: expect.stringContaining('down') });
  });

  it('reserves, asks for approval above the threshold, and buys an approved one only within the budget', async () => {
    const budgets = fakeBudgets(3000);
    const usage = vi.fn();
    const guard = createSpendGuard({ policy, subscriptions: async () => [], prices: async () => new Map([[KVM2.id, KVM2]]), budgets, onBudgetUsage: usage });
    expect(await guard.beforeFirstAttempt({ requestId: 'a', purchase: order(1), resumed: false, now })).toEqual({ kind: 'proceed', totals: { USD: 899 } });
    expect(usage).toHaveBeenCalledWith([expect.objectContaining({ currency: 'USD', window: 'daily', used: 3000 })]);
    expect(await guard.beforeFirstAttempt({ requestId: 'b', purchase: order(3), resumed: false, now })).toMatchObject({ kind: 'approval', totals: { USD: 2697 } });
    const approval = { decision: 'approved' as const, by: 'x', at: 'now' };
    expect(await guard.beforeFirstAttempt({ requestId: 'b', purchase: order(3), approval, resumed: false, now })).toMatchObject({
      kind: 'rejected',
      error: { code: 'spending_policy', fieldErrors: { 'currencies.USD.daily': [expect.stringContaining('26.97 USD on top of 30.00 USD')] } },
    });
    expect(budgets.reserved).toEqual(['a']);
    expect(await guard.beforeFirstAttempt({ requestId: 'c', purchase: order(3), approval: { ...approval, decision: 'denied' }, resumed: false, now })).toMatchObject({
      kind: 'rejected',
      error: { code: 'approval_denied' },
    });
  });

  it('lets a resumed request whose earlier delivery reserved its budget go on (it may have been sent)', async () => {
    const guard = createSpendGuard({ policy, subscriptions: async () => [], prices: async () => Promise.reject(new Error('not asked')), budgets: fakeBudgets(4999, true) });
    expect(await guard.beforeFirstAttempt({ requestId: 'r', purchase: order(3), resumed: true, now })).toEqual({ kind: 'proceed' });
  });

  it('releases the reservation of what was not bought and keeps the rest', async () => {
    const budgets = fakeBudgets();
    const guard = createSpendGuard({ policy, subscriptions: async () => [], prices: async () => new Map([[KVM2.id, KVM2]]), budgets });
    for (const status of ['rejected', 'failed', 'succeeded', 'pending', 'unknown'] as const) await guard.settle(status, status, now);
    // An unknown stays reserved until the follow-up resolves it (test/integration/budget-follow-up.test.ts).
    expect(budgets.settled).toEqual(['rejected:release', 'failed:release', 'succeeded:keep', 'pending:keep']);
  });
});

describe('renewals', () => {
  it("are priced at their subscription's renewal price, and one without a price is refused", async () => {
    const policy = parseSpendingPolicy({ currencies: { USD: { maxOrderTotal: 1000 } }, kinds: { renewal: { requireApproval: true } } });
    const subscriptions = async () => [
      { id: 'sub-1', currency_code: 'USD', renewal_price: 1500, created_at: '' },
      { id: 'sub-2', created_at: '' },
    ];
    const guard = createSpendGuard({ policy, prices: async () => new Map(), subscriptions, budgets: fakeBudgets() });
    const renewal = (id: string) => ({ kind: 'renewal' as const, subscription_id: id }) as never;
    expect(await guard.beforeFirstAttempt({ requestId: 'r', purchase: renewal('sub-1'), resumed: false, now })).toMatchObject({
      kind: 'rejected',
      totals: { USD: 1500 },
      error: { fieldErrors: { 'currencies.USD.maxOrderTotal': [expect.any(String)] } },
    });
    expect(await guard.beforeFirstAttempt({ requestId: 'r', purchase: renewal('sub-2'), resumed: false, now })).toMatchObject({
      kind: 'rejected',
      error: { message: expect.stringContaining('renewal:sub-2') },
    });
  });
});
