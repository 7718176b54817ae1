import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import type { BudgetLedger } from '../../lib/ledger/budget-ledger.ts';
import type { LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import type { Outcome } from '../../lib/order/outcome.ts';
import { parseSpendingPolicy } from '../../lib/policy/spending-policy.ts';
import { processBatch } from '../../lib/worker/process-batch.ts';
import { createSpendGuard } from '../../lib/worker/spend-guard.ts';
import { fakeWorkerLedger, workerDeps } from '../support/worker.ts';

/**
 * A reservation is made before a request's first attempt only; a request whose first delivery made an
 * attempt and was handed back (out of time, a long Retry-After) ends in a later delivery. Its reservation
 * must still be given back when it ends with nothing bought (docs/spending-policy.md, "How it is enforced" 5).
 *
 * The worker used to settle only on the delivery whose spend decision was `proceed`, so such a request kept
 * its budget counted for 40 days, and holds of requests ended on a later delivery filled the currency's one
 * budget item (past DynamoDB's 400 KB limit at 2,862 open holds, after which every reservation failed).
 */
const ITEM = 'hostingercom-vps-kvm2-usd-1m';
const price = { id: ITEM, itemName: 'KVM 2', currency: 'USD', price: 899, firstPeriodPrice: 899, period: 1, periodUnit: 'month' };
const message = {
  messageId: 'm-r',
  body: JSON.stringify({ requestId: 'r', items: [{ item_id: ITEM }] }),
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
  messageAttributes: {},
} as unknown as SQSRecord;

/** The budget ledger in memory: what is counted, and the holds (reservations not yet settled) by request. */
function memoryBudgets(): BudgetLedger & { used: () => number; open: () => string[] } {
  const holds = new Map<string, number>();
  let used = 0;
  return {
    used: () => used,
    open: () => [...holds.keys()],
    reserve: async (requestId, totals, check) => {
      const usage = { USD: { daily: used, monthly: used } };
      if (holds.has(requestId)) return { reserved: true, already: true, usage };
      const violations = check(usage, totals);
      if (violations.length > 0) return { reserved: false, violations, usage };
      holds.set(requestId, totals.USD ?? 0);
      used += totals.USD ?? 0;
      return { reserved: true, already: false, usage };
    },
    // `keep` ends the hold with its amount still counted; `release` gives it back.
    settle: async (requestId, _currencies, how) => {
      if (how === 'release') used -= holds.get(requestId) ?? 0;
      holds.delete(requestId);
    },
    holds: async (requestId) => holds.has(requestId),
    usage: async () => ({}),
  };
}

/** Two deliveries of `r`: the first makes an attempt (a 503) and runs out of time; the second gets `second`. */
async function twoDeliveries(second: AttemptResult) {
  let record: LedgerRecord = { requestId: 'r', status: 'queued', source: 'queue', attempts: 0, createdAt: new Date().toISOString(), updatedAt: '' };
  let outcome: Outcome | undefined;
  const ledger = fakeWorkerLedger({
    claim: async () => ({ claimed: true, record: { ...record, status: 'submitting' } }),
    release: async (_id: string, _token: string, update: { attempts: number }) => {
      record = { ...record, status: 'queued', attempts: update.attempts };
    },
    complete: async (_id: string, _token: string, completion: { outcome: Outcome }) => {
      outcome = completion.outcome;
    },
  });
  const budgets = memoryBudgets();
  const spendGuard = createSpendGuard({ policy: parseSpendingPolicy({ currencies: { USD: { daily: 5_000 } } }), prices: async () => new Map([[ITEM, price]]), budgets });
  let left = 60_000;
  const answers: AttemptResult[] = [{ kind: 'retryable', error: { httpStatus: 503, message: 'HTTP 503' } }, second];
  const placeOrder = async (): Promise<AttemptResult> => {
    const answer = answers.shift() as AttemptResult;
    // No time left for another attempt in this delivery: the message is handed back.
    if (answer.kind === 'retryable') left = 0;
    return answer;
  };
  const deps = workerDeps(placeOrder, { ledger, spendGuard, concurrency: 1 });
  const first = await processBatch([message], { remainingMs: () => left }, deps);
  expect(first.batchItemFailures).toHaveLength(1);
  expect(record.attempts).toBe(1);
  expect(budgets.used()).toBe(899);
  left = 60_000;
  await processBatch([message], { remainingMs: () => left }, deps);
  return { outcome, budgets };
}

describe('a reservation across deliveries', () => {
  it('is given back when a request that made an attempt in an earlier delivery ends with nothing bought', async () => {
    const { outcome, budgets } = await twoDeliveries({ kind: 'rejected', error: { httpStatus: 422, message: 'HTTP 422' } });
    expect(outcome).toMatchObject({ status: 'rejected', attempts: 2 });
    // Nothing was bought: the 8.99 USD reserved by the first delivery are given back.
    expect(budgets.used()).toBe(0);
  });

  it('is settled when such a request ends bought: its hold does not stay in the budget item', async () => {
    const { outcome, budgets } = await twoDeliveries({ kind: 'succeeded', order: { id: 7, status: 'completed', subscription_id: 's7' } });
    expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(budgets.used()).toBe(899);
    expect(budgets.open()).toEqual([]);
  });
});
