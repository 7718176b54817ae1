import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetKey, createDynamoDbBudgetLedger } from '../../lib/ledger/dynamodb-budget-ledger.ts';
import { checkBudgets } from '../../lib/policy/evaluate.ts';
import { parseSpendingPolicy } from '../../lib/policy/spending-policy.ts';
import { useLedgerTable } from './support.ts';

/** The budget ledger over DynamoDB (dynalite, over the wire): concurrent reservers never overspend. */
const ledgerTable = useLedgerTable();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('the DynamoDB budget ledger', () => {
  it('concurrent workers never reserve more than the budget, and refuse only what no longer fits (property)', async () => {
    const currency = 'USD';
    const { client, tableName: TABLE } = await ledgerTable();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 500, max: 5_000 }),
        fc.array(fc.record({ cents: fc.integer({ min: 1, max: 2_000 }), delayMs: fc.integer({ min: 0, max: 15 }), fails: fc.boolean() }), { minLength: 5, maxLength: 25 }),
        fc.integer({ min: 2, max: 6 }),
        async (budget, orders, workers) => {
          // Each run starts from an empty budget.
          await client.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: budgetKey(currency) } } }));
          const policy = parseSpendingPolicy({ currencies: { [currency]: { daily: budget } } });
          // Each worker has its own ledger client, as separate Lambda containers would.
          const ledgers = Array.from({ length: workers }, () => createDynamoDbBudgetLedger({ client, tableName: TABLE }));
          const now = new Date();
          const queue = orders.map((order, index) => ({ ...order, requestId: `r${index}` }));
          const results: { requestId: string; cents: number; reserved: boolean; released: boolean; limits: string[] }[] = [];
          await Promise.all(
            ledgers.map(async (ledger) => {
              for (let next = queue.shift(); next; next = queue.shift()) {
                await sleep(next.delayMs);
                const reservation = await ledger.reserve(next.requestId, { [currency]: next.cents }, (usage, totals) => checkBudgets(policy, totals, usage), now);
                // Some orders fail at Hostinger: their reservation is given back.
                if (reservation.reserved && next.fails) await ledger.settle(next.requestId, [currency], 'release', now);
                else if (reservation.reserved) await ledger.settle(next.requestId, [currency], 'keep', now);
                results.push({
                  requestId: next.requestId,
                  cents: next.cents,
                  reserved: reservation.reserved,
                  released: reservation.reserved && next.fails,
                  limits: reservation.reserved ? [] : reservation.violations.map((v) => v.limit),
                });
              }
            }),
          );
          const bought = results.filter((r) => r.reserved && !r.released).reduce((sum, r) => sum + r.cents, 0);
          expect(bought).toBeLessThanOrEqual(budget);
          const usage = await ledgers[0]!.usage([currency], now);
          expect(usage[currency]?.daily).toBe(bought);
          for (const refused of results.filter((r) => !r.reserved)) {
            expect(refused.limits).toEqual([`currencies.${currency}.daily`]);
            // Refused only if it did not fit: when it was refused, at most what was bought or later released was spent.
            expect(refused.cents).toBeGreaterThan(budget - bought - results.filter((r) => r.released).reduce((sum, r) => sum + r.cents, 0));
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('reserving is idempotent per request, and a repeat after settling does not double count', async () => {
    const ledger = createDynamoDbBudgetLedger(await ledgerTable());
    const policy = parseSpendingPolicy({ currencies: { ZZZ: { daily: 1000, monthly: 1500 } } });
    const check = (usage: Parameters<typeof checkBudgets>[2], totals: Record<string, number>) => checkBudgets(policy, totals, usage);
    const now = new Date();
    expect(await ledger.reserve('a', { ZZZ: 600 }, check, now)).toMatchObject({ reserved: true, already: false });
    expect(await ledger.reserve('a', { ZZZ: 600 }, check, now)).toMatchObject({ reserved: true, already: true });
    expect(await ledger.holds('a', ['ZZZ'])).toBe(true);
    const refused = await ledger.reserve('b', { ZZZ: 500 }, check, now);
    expect(refused).toMatchObject({ reserved: false, violations: [{ limit: 'currencies.ZZZ.daily', limitCents: 1000, amountCents: 1100 }] });
    await ledger.settle('a', ['ZZZ'], 'release', now);
    await ledger.settle('a', ['ZZZ'], 'release', now);
    expect(await ledger.usage(['ZZZ'], now)).toEqual({ ZZZ: { daily: 0, monthly: 0 } });
    expect(await ledger.reserve('b', { ZZZ: 500 }, check, now)).toMatchObject({ reserved: true });
  });
});
