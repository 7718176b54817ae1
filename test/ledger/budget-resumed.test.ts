import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { budgetKey, createDynamoDbBudgetLedger } from '../../lib/ledger/dynamodb-budget-ledger.ts';
import { parseSpendingPolicy } from '../../lib/policy/spending-policy.ts';
import { createSpendGuard } from '../../lib/worker/spend-guard.ts';
import { useLedgerTable } from './support.ts';

/**
 * The spend guard over the real budget ledger (dynalite): a redelivery that finds an earlier delivery's
 * attempt still marked in flight goes on without the policy only if that delivery reserved the whole order.
 */
const ledgerTable = useLedgerTable();

const price = (id: string, currency: string, firstPeriodPrice: number) => ({
  id,
  itemName: id,
  category: 'VPS',
  currency,
  price: firstPeriodPrice,
  firstPeriodPrice,
  period: 1,
  periodUnit: 'month',
});
const KVM2_USD = price('hostingercom-vps-kvm2-usd-1m', 'USD', 899);
const KVM2_EUR = price('hostingercom-vps-kvm2-eur-1m', 'EUR', 849);
const prices = async () => new Map([KVM2_USD, KVM2_EUR].map((p) => [p.id, p]));
const policy = parseSpendingPolicy({ currencies: { USD: { daily: 5_000 }, EUR: { daily: 5_000 } } });
const now = new Date('2026-11-30T08:00:00Z');

describe('a resumed request and its budget', () => {
  it('checks the currency an earlier delivery died before reserving, rather than going on because another one is held', async () => {
    const table = await ledgerTable();
    const budgets = createDynamoDbBudgetLedger(table);
    const guard = createSpendGuard({ policy, prices, budgets, subscriptions: async () => [] });
    // The first delivery of an order in both currencies reserves EUR (currencies go in order), then its
    // worker dies before the USD write (here: the write never happens). Nothing was sent.
    const both = {
      items: [
        { item_id: KVM2_EUR.id, quantity: 1 },
        { item_id: KVM2_USD.id, quantity: 1 },
      ],
    };
    const dying = {
      send: (command: unknown) => {
        if (command instanceof PutItemCommand && command.input.Item?.pk?.S === budgetKey('USD')) return new Promise(() => undefined);
        return table.client.send(command as never);
      },
    } as unknown as DynamoDBClient;
    const firstDelivery = createSpendGuard({ policy, prices, budgets: createDynamoDbBudgetLedger({ ...table, client: dying }), subscriptions: async () => [] });
    void firstDelivery.beforeFirstAttempt({ requestId: 'both', purchase: both, resumed: false, now });
    await expect.poll(async () => (await budgets.usage(['EUR'], now)).EUR?.daily).toBe(KVM2_EUR.firstPeriodPrice);
    // Meanwhile other orders spend 44.95 USD of the 50.00 USD budget.
    expect(await guard.beforeFirstAttempt({ requestId: 'other', purchase: { items: [{ item_id: KVM2_USD.id, quantity: 5 }] }, resumed: false, now })).toMatchObject({
      kind: 'proceed',
    });

    // The redelivery finds the claim's mark (resumed): its 8.99 USD do not fit in the 5.05 USD left.
    const decision = await guard.beforeFirstAttempt({ requestId: 'both', purchase: both, resumed: true, now });
    expect(decision).toMatchObject({ kind: 'rejected', error: { code: 'spending_policy' } });
    expect((await budgets.usage(['USD'], now)).USD?.daily).toBeLessThanOrEqual(5_000);
  });
});
