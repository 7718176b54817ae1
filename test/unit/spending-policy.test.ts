import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { EMPTY_BUDGET, hourKey, MAX_HOLDS, MAX_OWNERS, settled, usageOf, withHold } from '../../lib/policy/budget-window.ts';
import { budgetStandings, checkBudgets, evaluateOrder, matchesItem, type PricedLine } from '../../lib/policy/evaluate.ts';
import { priceItems } from '../../lib/policy/pricing.ts';
import { budgetCurrencies, NO_LIMITS, parseSpendingPolicy } from '../../lib/policy/spending-policy.ts';

const kvm2 = (quantity = 1): PricedLine => ({ itemId: 'hostingercom-vps-kvm2-usd-1m', quantity, currency: 'USD', unitCents: 899, category: 'VPS' });
const domain = (quantity = 1): PricedLine => ({ itemId: 'hostingercom-domain-com-usd-1y', quantity, currency: 'USD', unitCents: 1099, category: 'DOMAIN' });

describe('the spending policy document', () => {
  it('an empty policy limits nothing and needs no approval', () => {
    const policy = parseSpendingPolicy({});
    expect(policy).toEqual(NO_LIMITS);
    expect(policy.approval).toEqual({ expiryHours: 24, allowSelfApproval: false });
    expect(budgetCurrencies(policy)).toEqual([]);
    expect(evaluateOrder(policy, 'order', [kvm2(100), domain(100)])).toEqual({ totals: { USD: 199_800 }, violations: [], approvalReasons: [] });
  });

  it('refuses unknown fields, fractional cents and lower-case currencies, naming each path', () => {
    expect(() => parseSpendingPolicy({ currencies: { USD: { daily: 10.5 } } })).toThrow(/currencies\.USD\.daily: must be a whole number of cents/);
    expect(() => parseSpendingPolicy({ currencies: { usd: { daily: 10 } } })).toThrow(/currencies/);
    expect(() => parseSpendingPolicy({ budget: 10 })).toThrow(/invalid/);
    expect(() => parseSpendingPolicy({ items: { deny: ['has space'] } })).toThrow(/items\.deny\.0/);
  });
});

describe('evaluating an order', () => {
  it('names the per-order limit and the amounts', () => {
    const policy = parseSpendingPolicy({ currencies: { USD: { maxOrderTotal: 2000 } } });
    const verdict = evaluateOrder(policy, 'order', [kvm2(3)]);
    expect(verdict.totals).toEqual({ USD: 2697 });
    expect(verdict.violations).toEqual([
      {
        limit: 'currencies.USD.maxOrderTotal',
        message: 'currencies.USD.maxOrderTotal: the order costs 26.97 USD, more than the 20.00 USD allowed per order',
        currency: 'USD',
        limitCents: 2000,
        amountCents: 2697,
      },
    ]);
    expect(evaluateOrder(policy, 'order', [kvm2(2)]).violations).toEqual([]);
  });

  it('caps the quantity of one item across its lines', () => {
    const policy = parseSpendingPolicy({ maxQuantityPerItem: 3 });
    expect(evaluateOrder(policy, 'order', [kvm2(2), kvm2(2)]).violations.map((v) => v.message)).toEqual(['maxQuantityPerItem: 4 x hostingercom-vps-kvm2-usd-1m is more than 3']);
    expect(evaluateOrder(policy, 'order', [kvm2(3), domain(3)]).violations).toEqual([]);
  });

  it('matches items by price id, glob and category; deny wins over allow', () => {
    expect(matchesItem('hostingercom-vps-*', kvm2())).toBe(true);
    expect(matchesItem('hostingercom-vps-*', domain())).toBe(false);
    expect(matchesItem('category:vps', kvm2())).toBe(true);
    expect(matchesItem('hostingercom-vps-kvm2-usd-1m', kvm2())).toBe(true);
    expect(matchesItem('hostingercom.vps', { itemId: 'hostingercomXvps' })).toBe(false);
    const policy = parseSpendingPolicy({ items: { allow: ['category:VPS'], deny: ['*-kvm2-*'] } });
    expect(evaluateOrder(policy, 'order', [kvm2(), domain()]).violations.map((v) => v.limit)).toEqual(['items.deny', 'items.allow']);
  });

  it('asks for approval above the threshold, and per kind', () => {
    const policy = parseSpendingPolicy({
      currencies: { USD: { approvalAbove: 1000 } },
      kinds: { renewal: { requireApproval: true, currencies: { USD: { maxOrderTotal: 500 } } } },
    });
    expect(evaluateOrder(policy, 'order', [kvm2()]).approvalReasons).toEqual([]);
    expect(evaluateOrder(policy, 'order', [domain()]).approvalReasons).toEqual(['currencies.USD.approvalAbove: the order costs 10.99 USD, more than 10.00 USD']);
    const renewal = evaluateOrder(policy, 'renewal', [kvm2()]);
    expect(renewal.approvalReasons).toEqual(['kinds.renewal.requireApproval: every renewal needs approval']);
    expect(renewal.violations.map((v) => v.limit)).toEqual(['kinds.renewal.currencies.USD.maxOrderTotal']);
  });
});

describe('budgets', () => {
  const policy = parseSpendingPolicy({ currencies: { USD: { daily: 5000, monthly: 20000 } } });

  it('names the budget, what is spent and what is left', () => {
    expect(checkBudgets(policy, { USD: 1000 }, { USD: { daily: 4000, monthly: 4000 } })).toEqual([]);
    const [violation] = checkBudgets(policy, { USD: 1001 }, { USD: { daily: 4000, monthly: 4000 } });
    expect(violation).toEqual({
      limit: 'currencies.USD.daily',
      message: "currencies.USD.daily: this order's 10.01 USD on top of 40.00 USD spent in the last 24 hours would exceed the 50.00 USD budget (10.00 USD left)",
      currency: 'USD',
      limitCents: 5000,
      amountCents: 5001,
    });
    expect(checkBudgets(policy, { EUR: 10_000_000 }, {})).toEqual([]);
    expect(budgetStandings(policy, { USD: { daily: 4000, monthly: 4000 } })).toEqual([
      { currency: 'USD', window: 'daily', limit: 5000, used: 4000, left: 1000, usedPercent: 80 },
      { currency: 'USD', window: 'monthly', limit: 20000, used: 4000, left: 16000, usedPercent: 20 },
    ]);
    expect(budgetCurrencies(policy)).toEqual(['USD']);
  });

  it('counts a reservation for 24 hours and its month, and a release takes exactly it back', () => {
    const t0 = Date.UTC(2026, 10, 30, 23, 30);
    let state = withHold(EMPTY_BUDGET, 'a', 700, t0);
    state = withHold(state, 'b', 300, t0 + 3_600_000);
    expect(usageOf(state, t0 + 3_600_000)).toEqual({ daily: 1000, monthly: 300 });
    expect(usageOf(state, t0)).toEqual({ daily: 700, monthly: 700 });
    // 23 hours later hour t0 still counts; 24 hours later it has left the window.
    expect(usageOf(state, t0 + 23 * 3_600_000).daily).toBe(1000);
    expect(usageOf(state, t0 + 24 * 3_600_000).daily).toBe(300);
    const released = settled(state, 'a', 'release', t0 + 3_600_000);
    expect(released && usageOf(released, t0 + 3_600_000)).toEqual({ daily: 300, monthly: 300 });
    expect(released?.holds).toEqual({ b: { cents: 300, hour: hourKey(t0 + 3_600_000), month: '2026-12', at: t0 + 3_600_000 } });
    const kept = settled(state, 'a', 'keep', t0 + 3_600_000);
    expect(kept && usageOf(kept, t0 + 3_600_000)).toEqual({ daily: 1000, monthly: 300 });
    expect(kept?.holds.a).toBeUndefined();
    expect(settled(state, 'zzz', 'release', t0)).toBeUndefined();
    // Per owner: each caller's own usage, released with their hold.
    let owned = withHold(EMPTY_BUDGET, 'x', 400, t0, 'alice');
    owned = withHold(owned, 'y', 100, t0, 'bob');
    owned = withHold(owned, 'z', 50, t0);
    expect([usageOf(owned, t0), usageOf(owned, t0, 'alice'), usageOf(owned, t0, 'bob'), usageOf(owned, t0, 'carol')]).toEqual([
      { daily: 550, monthly: 550 },
      { daily: 400, monthly: 400 },
      { daily: 100, monthly: 100 },
      { daily: 0, monthly: 0 },
    ]);
    const aliceReleased = settled(owned, 'x', 'release', t0);
    expect(aliceReleased && [usageOf(aliceReleased, t0).daily, usageOf(aliceReleased, t0, 'alice').daily, usageOf(aliceReleased, t0, 'bob').daily]).toEqual([150, 0, 100]);
  });
});

describe('a budget item full of holds never settled', () => {
  it("keeps the newest MAX_HOLDS, so the item stays under DynamoDB's 400 KB and reserving goes on; what they count stays counted", () => {
    const t0 = Date.UTC(2026, 10, 30, 8);
    let state = EMPTY_BUDGET;
    for (let i = 0; i < MAX_HOLDS + 200; i++) state = withHold(state, `r${i}`, 100, t0 + i, 'arn:aws:iam::000000000000:user/alice');
    expect(Object.keys(state.holds)).toHaveLength(MAX_HOLDS + 1);
    expect(state.holds.r0).toBeUndefined();
    expect(state.holds[`r${MAX_HOLDS + 199}`]).toBeDefined();
    expect(usageOf(state, t0 + MAX_HOLDS + 200)).toEqual({ daily: (MAX_HOLDS + 200) * 100, monthly: (MAX_HOLDS + 200) * 100 });
    // A dropped hold cannot be given back: its amount stays counted (the safe side).
    expect(settled(state, 'r0', 'release', t0 + MAX_HOLDS + 200)).toBeUndefined();
  });

  it('keeps the MAX_OWNERS most recently active callers, and with the longest ids and ARNs the item stays far under 400 KB', () => {
    const t0 = Date.UTC(2026, 10, 30, 8);
    const hour = 3_600_000;
    // The longest request id the API takes (128) and a long assumed-role ARN, over a day and a half of traffic.
    const requestId = (i: number) => `${'r'.repeat(120)}${String(i).padStart(8, '0')}`;
    const caller = (i: number) => `arn:aws:sts::123456789012:assumed-role/${'R'.repeat(64)}/${'s'.repeat(150)}${String(i).padStart(6, '0')}`;
    let state = EMPTY_BUDGET;
    let n = 0;
    // Callers spread over 36 hours; the latest ones are active every hour, so their buckets are full.
    for (let h = 0; h < 36; h++) for (let c = 0; c < 10; c++) state = withHold(state, requestId(n++), 1_234_567, t0 + h * hour, caller(h < 12 ? h * 10 + c : 1_000 + c));
    for (let i = 0; i < 2 * MAX_OWNERS; i++) state = withHold(state, requestId(n++), 1_234_567, t0 + 36 * hour + i, caller(2_000 + i));
    const owners = Object.keys(state.owners ?? {});
    expect(owners).toHaveLength(MAX_OWNERS + 1);
    // The most recent callers are kept, and the ones active every hour; the oldest are dropped.
    expect(owners).toContain(caller(2_000 + 2 * MAX_OWNERS - 1));
    expect(owners).not.toContain(caller(0));
    expect(Object.keys(state.holds)).toHaveLength(MAX_HOLDS + 1);
    // What the ledger writes (dynamodb-budget-ledger.ts), sized by DynamoDB's rules.
    const item = marshall({ pk: 'budget#USD', currency: 'USD', ...state, version: 123_456, updatedAt: new Date(t0).toISOString() });
    const size = Object.entries(item).reduce((sum, [name, value]) => sum + name.length + sizeOf(value), 0);
    expect(size).toBeLessThan(320_000);
  });
});

/** An attribute value's size as DynamoDB counts it: strings by UTF-8 bytes, numbers by significant digits, 3 bytes and 1 a member for maps and lists. */
function sizeOf(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-?0*|\.|0*$/g, '').length / 2) + 1;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, member) => sum + 1 + sizeOf(member), 0);
  if (value.M !== undefined) return 3 + Object.entries(value.M).reduce((sum, [key, member]) => sum + 1 + Buffer.byteLength(key) + sizeOf(member), 0);
  throw new Error(`unsized attribute ${JSON.stringify(value)}`);
}

describe('pricing from the catalog', () => {
  it('uses first-period prices and lists what the catalog lacks', () => {
    const prices = new Map([
      [
        'hostingercom-vps-kvm2-usd-1m',
        { id: 'hostingercom-vps-kvm2-usd-1m', itemName: 'KVM 2', category: 'VPS', currency: 'USD', price: 1799, firstPeriodPrice: 899, period: 1, periodUnit: 'month' },
      ],
    ]);
    expect(
      priceItems(
        [
          { item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 2 },
          { item_id: 'nope', quantity: 1 },
        ],
        prices,
      ),
    ).toEqual({ lines: [kvm2(2)], unpriced: ['nope'] });
  });
});

describe('the policy file', () => {
  it('is read from SPENDING_POLICY_FILE, or spending-policy.json at the root; a bad one stops the cold start', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadSpendingPolicy } = await import('../../lib/platform/policy-file.ts');
    expect(loadSpendingPolicy({})).toEqual(NO_LIMITS);
    const dir = mkdtempSync(join(tmpdir(), 'policy-'));
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ currencies: { USD: { daily: 100 } } }));
    expect(loadSpendingPolicy({ SPENDING_POLICY_FILE: join(dir, 'p.json') }).currencies?.USD?.daily).toBe(100);
    expect(() => loadSpendingPolicy({ LAMBDA_TASK_ROOT: dir })).toThrow(/cannot be read \(ENOENT\)/);
    writeFileSync(join(dir, 'bad.json'), '{"currencies": {"USD": {"daily": -1}}}');
    expect(() => loadSpendingPolicy({ SPENDING_POLICY_FILE: join(dir, 'bad.json') })).toThrow(/currencies\.USD\.daily: must be at least 0/);
  });
});

describe('a quote', () => {
  it('says an order over the approval threshold needs approval, and shows the payment method that would be charged', async () => {
    const { quoteOrder } = await import('../../lib/policy/quote.ts');
    const prices = new Map([
      [
        'hostingercom-vps-kvm2-usd-1m',
        { id: 'hostingercom-vps-kvm2-usd-1m', itemName: 'KVM 2', currency: 'USD', price: 1799, firstPeriodPrice: 899, period: 1, periodUnit: 'month' },
      ],
    ]);
    const methods = [{ id: 7, name: 'Visa', payment_method: 'card', is_default: true }];
    const policy = parseSpendingPolicy({ currencies: { USD: { approvalAbove: 1000, monthly: 10_000 } } });
    const quote = quoteOrder({
      order: { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 2 }] },
      kind: 'order',
      prices,
      paymentMethods: methods,
      policy,
      usage: { USD: { daily: 0, monthly: 9_000 } },
    });
    expect(quote).toMatchObject({
      totals: { USD: 1798 },
      paymentMethod: { id: 7, type: 'card', isDefault: true },
      policy: { verdict: 'rejected', violations: [{ limit: 'currencies.USD.monthly' }], approvalReasons: [expect.stringContaining('approvalAbove')] },
      budgets: [{ window: 'monthly', used: 9_000, left: 1_000 }],
    });
    expect(quote.warnings[0]).toContain('3-D Secure');
    const fits = quoteOrder({ order: { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 2 }] }, kind: 'order', prices, paymentMethods: methods, policy, usage: {} });
    expect(fits.policy.verdict).toBe('needs_approval');
  });
});

describe('the start-up line', () => {
  it('names the policy file and its budgets', async () => {
    const { describeSpendingPolicy } = await import('../../lib/platform/policy-file.ts');
    expect(describeSpendingPolicy({})).toMatch(/^Spending policy: .*spending-policy\.json \(no budget;/);
  });
});
