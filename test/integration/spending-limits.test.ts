import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetKey } from '../../lib/ledger/dynamodb-budget-ledger.ts';
import { chunks } from '../../lib/platform/chunks.ts';
import { CATALOG } from '../../local/sandbox/catalog.ts';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

/** The spending policy end to end: the local stack's worker (5 concurrent invocations) against a small budget. */
const DAILY_USD = 5_000;
const POLICY = { currencies: { USD: { daily: DAILY_USD, maxOrderTotal: 3_000 } }, maxQuantityPerItem: 5 };
const PRICES: Record<string, number> = {
  'hostingercom-vps-kvm1-usd-1m': 649,
  'hostingercom-vps-kvm2-usd-1m': 899,
  'hostingercom-domain-com-usd-1y': 999,
  'hostingercom-hosting-premium-usd-1m': 799,
};

let t: TestStack;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spending-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
  t = await startTestStack({ functionEnv: { SPENDING_POLICY_FILE: join(dir, 'policy.json') } });
});
afterAll(async () => {
  await t?.stop();
});

const resetBudget = () => t.stack.clients.dynamodb.send(new DeleteItemCommand({ TableName: t.stack.resources.tableName, Key: { pk: { S: budgetKey('USD') } } }));

describe('spending limits in the worker', () => {
  it('many orders at once never buy more than the daily budget; every order over it is rejected naming the budget (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ itemId: fc.constantFrom(...Object.keys(PRICES)), quantity: fc.integer({ min: 1, max: 3 }) }), { minLength: 8, maxLength: 30 }),
        async (orders) => {
          run += 1;
          await resetBudget();
          const coupon = `BUDGET-${run}`;
          const requestIds = orders.map((_, index) => `budget-${run}-${index}`);
          const bodies = orders.map((order, index) =>
            JSON.stringify({ requestId: requestIds[index], payment_method_id: 1327362, items: [{ item_id: order.itemId, quantity: order.quantity }], coupons: [coupon] }),
          );
          await Promise.all(chunks(bodies, 10).map((chunk) => t.sendMessages(chunk)));
          const outcomes = await Promise.all(requestIds.map((id) => t.waitForOutcome(id, 60_000)));
          const cost = (index: number) => (PRICES[orders[index]!.itemId] ?? 0) * orders[index]!.quantity;
          const bought = t.ordersWithCoupon(coupon);
          // At catalog prices, before VAT and coupons, as the budget counts.
          const spent = outcomes.reduce((sum, outcome, index) => sum + (outcome.status === 'succeeded' ? cost(index) : 0), 0);
          expect(spent).toBeLessThanOrEqual(DAILY_USD);
          outcomes.forEach((outcome, index) => {
            expect(outcome.totals).toEqual({ USD: cost(index) });
            if (outcome.status === 'succeeded') return;
            expect(outcome).toMatchObject({ status: 'rejected', attempts: 0, error: { code: 'spending_policy' } });
            const message = outcome.error?.message ?? '';
            if (cost(index) > POLICY.currencies.USD.maxOrderTotal) expect(message).toContain('currencies.USD.maxOrderTotal');
            else {
              expect(message).toMatch(/currencies\.USD\.daily: this order's \d+\.\d\d USD on top of \d+\.\d\d USD spent in the last 24 hours would exceed the 50\.00 USD budget/);
              // Rejected only when it did not fit in what was left at the end.
              expect(cost(index)).toBeGreaterThan(DAILY_USD - spent);
            }
          });
          // Rejected orders never reached Hostinger.
          expect(bought).toHaveLength(outcomes.filter((o) => o.status === 'succeeded').length);
        },
      ),
      { numRuns: 8 },
    );
  }, 240_000);

  it('an order Hostinger refuses gives its reservation back; a quantity over the limit is rejected before Hostinger', async () => {
    await resetBudget();
    // Two currencies in one order: Hostinger answers 422, nothing is bought.
    const refused = await t.postOrder({
      payment_method_id: 1327362,
      items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 3 }, { item_id: 'hostingercom-vps-kvm2-eur-1m' }],
      coupons: ['BUDGET-FAIL'],
    });
    expect(await t.waitForOutcome(refused.json.requestId as string, 30_000)).toMatchObject({ status: 'rejected', attempts: 1, error: { httpStatus: 422 } });
    // Were the refused order's 26.97 USD still reserved, this 26.97 USD order would not fit in 50.00 USD.
    const next = await t.postOrder({ payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 3 }], coupons: ['BUDGET-AFTER-FAIL'] });
    expect(await t.waitForOutcome(next.json.requestId as string)).toMatchObject({ status: 'succeeded' });
    const tooMany = await t.postOrder({ payment_method_id: 1327362, items: [{ item_id: 'hostingercom-domain-com-eur-1y', quantity: 6 }], coupons: ['BUDGET-QTY'] });
    const outcome = await t.waitForOutcome(tooMany.json.requestId as string);
    expect(outcome).toMatchObject({ status: 'rejected', error: { message: expect.stringContaining('maxQuantityPerItem: 6 x hostingercom-domain-com-eur-1y is more than 5') } });
    expect(t.ordersWithCoupon('BUDGET-QTY')).toHaveLength(0);
    await waitUntil(() => (t.ordersWithCoupon('BUDGET-AFTER-FAIL').length === 1 ? true : undefined), 5_000, 'the order after the failure');
  });
});

describe('POST /quotes and GET /budget', () => {
  const post = (path: string, body: unknown) => t.post(path, body);

  it('quote at the sandbox catalog prices with the default payment method, the verdict and the budget left, buying nothing', async () => {
    await resetBudget();
    const bought = await t.postOrder({ payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm1-usd-1m' }], coupons: ['QUOTE-BEFORE'] });
    await t.waitForOutcome(bought.json.requestId as string);
    const before = t.stack.sandbox?.requestCount() ?? 0;

    const quote = await post('/quotes', { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 2 }] });
    expect(quote.status).toBe(200);
    const kvm2 = CATALOG.flatMap((item) => item.prices).find((price) => price.id === 'hostingercom-vps-kvm2-usd-1m');
    expect(quote.json).toMatchObject({
      items: [
        {
          itemId: 'hostingercom-vps-kvm2-usd-1m',
          name: 'KVM 2',
          category: 'VPS',
          period: '1 month',
          currency: 'USD',
          quantity: 2,
          unitPrice: kvm2?.first_period_price,
          subtotal: 2 * (kvm2?.first_period_price ?? 0),
        },
      ],
      totals: { USD: 1798 },
      paymentMethod: { isDefault: true },
      errors: {},
      policy: { verdict: 'allowed', violations: [], approvalReasons: [] },
      budgets: [{ currency: 'USD', window: 'daily', limit: 5000, used: 649, left: 4351 }],
    });
    const over = await post('/quotes', { payment_method_id: 1327364, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 4 }] });
    expect(over.json).toMatchObject({ totals: { USD: 3596 }, policy: { verdict: 'rejected', violations: [expect.objectContaining({ limit: 'currencies.USD.maxOrderTotal' })] } });
    expect((over.json.warnings as string[]).join()).toContain('3-D Secure');
    const overBudget = await post('/quotes', { items: [{ item_id: 'hostingercom-domain-com-usd-1y', quantity: 5 }] });
    expect(overBudget.json).toMatchObject({
      policy: { verdict: 'rejected', violations: expect.arrayContaining([expect.objectContaining({ limit: 'currencies.USD.daily', amountCents: 649 + 4995 })]) },
    });
    expect((await post('/quotes', { items: [] })).status).toBe(400);
    // Other kinds of purchase, named by `kind` as on the queue: a VPS at its catalog price, a renewal at its subscription's renewal price.
    const vps = await post('/quotes', { kind: 'vps', item_id: 'hostingercom-vps-kvm2-usd-1m', setup: { template_id: 1130, data_center_id: 17 } });
    expect(vps.json).toMatchObject({ totals: { USD: kvm2?.first_period_price }, policy: { verdict: 'allowed' } });
    const subscription = (await t.waitForOutcome(bought.json.requestId as string)).order?.subscription_id;
    const renewal = await post('/quotes', { kind: 'renewal', subscription_id: subscription });
    const kvm1 = CATALOG.flatMap((item) => item.prices).find((price) => price.id === 'hostingercom-vps-kvm1-usd-1m');
    expect(renewal.json).toMatchObject({ items: [{ itemId: `renewal:${subscription}`, currency: 'USD', unitPrice: kvm1?.price }], totals: { USD: kvm1?.price } });
    // Quotes read the catalog; they never place an order.
    expect((t.stack.sandbox?.requestCount() ?? 0) - before).toBe(0);

    const budget = await fetch(`${t.stack.apiUrl}/budget`);
    expect(await budget.json()).toMatchObject({
      caller: expect.stringMatching(/^arn:aws:iam::/),
      budgets: [{ currency: 'USD', window: 'daily', limit: 5000, used: 649, left: 4351, usedPercent: 13, usedByCaller: 649 }],
    });
    const asBob = await fetch(`${t.stack.apiUrl}/budget`, { headers: { 'x-local-caller': 'arn:aws:iam::000000000000:user/bob' } });
    // The budget is the account's; what each caller's own orders used of it is theirs.
    expect(await asBob.json()).toMatchObject({ caller: 'arn:aws:iam::000000000000:user/bob', budgets: [{ used: 649, usedByCaller: 0 }] });
    const { cli } = await import('../cli/support.ts');
    const shown = await cli(['budget'], { cwd: process.cwd(), env: { ORDER_API_URL: t.stack.apiUrl } });
    expect(shown).toMatchObject({ code: 0, stdout: 'USD daily   used       6.49 USD of      50.00 USD (13%), left 43.51 USD; by you 6.49 USD\n' });
  });
});
