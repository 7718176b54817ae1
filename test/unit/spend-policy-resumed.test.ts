import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import type { ApprovalLedger } from '../../lib/ledger/approval-ledger.ts';
import type { BudgetLedger } from '../../lib/ledger/budget-ledger.ts';
import type { InFlightAttempt, LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import type { Outcome } from '../../lib/order/outcome.ts';
import { parseSpendingPolicy } from '../../lib/policy/spending-policy.ts';
import { processBatch, type WorkerDependencies } from '../../lib/worker/process-batch.ts';
import { createSpendGuard } from '../../lib/worker/spend-guard.ts';
import { fakeWorkerLedger, workerDeps } from '../support/worker.ts';

/**
 * The spending policy is applied before a request's first attempt, and again on a redelivery that finds an
 * earlier delivery's attempt still in flight (the worker crashed, or its lease ran out) when no budget hold
 * shows how far that delivery got. If the policy (or a price) changed in between, the second verdict
 * differs: the request was rejected ("over the spending policy", attempts 0) or parked for approval (its
 * in-flight mark dropped) without the earlier attempt ever being settled, though it may have bought.
 */
const ITEM = 'hostingercom-vps-kvm2-usd-1m';
const price = { id: ITEM, itemName: 'KVM 2', currency: 'USD', price: 899, firstPeriodPrice: 699, period: 1, periodUnit: 'month' };
const noBudgets = {} as BudgetLedger;
const message = {
  messageId: 'm-r',
  body: JSON.stringify({ requestId: 'r', items: [{ item_id: ITEM }] }),
  attributes: { ApproximateReceiveCount: '2', SentTimestamp: String(Date.now()) },
  messageAttributes: {},
} as unknown as SQSRecord;

/** A redelivery of `r`, whose earlier delivery left `inFlight`, under `policy`. */
function redelivery(policy: unknown, inFlight: InFlightAttempt, reconciled: Awaited<ReturnType<WorkerDependencies['reconcile']>>) {
  const claimed: LedgerRecord = { requestId: 'r', status: 'submitting', source: 'queue', attempts: 0, inFlight, createdAt: new Date().toISOString(), updatedAt: '' };
  const complete = vi.fn(async (_id: string, _token: string, _result: { outcome: Outcome }) => undefined);
  const release = vi.fn(async () => undefined);
  const park = vi.fn(async () => undefined);
  const placeOrder = vi.fn(async (): Promise<AttemptResult> => ({ kind: 'succeeded', order: { id: 2, status: 'completed', subscription_id: 'second' } }));
  const reconcile = vi.fn(async () => reconciled);
  const deps = workerDeps(placeOrder, {
    ledger: fakeWorkerLedger({ claim: async () => ({ claimed: true, record: claimed }), complete, release }),
    reconcile,
    publish: async () => new Set<string>(),
    concurrency: 1,
    spendGuard: createSpendGuard({ policy: parseSpendingPolicy(policy), prices: async () => new Map([[ITEM, price]]), budgets: noBudgets }),
    approvals: { park } as unknown as ApprovalLedger,
  });
  return { deps, complete, release, park, placeOrder, reconcile };
}

const deadline = { remainingMs: () => 60_000 };
const lostAnswer: InFlightAttempt = { startedAt: Date.now() - 30_000, claimToken: 'earlier delivery', endedAt: Date.now() - 28_000 };
const answered500: InFlightAttempt = { startedAt: Date.now() - 30_000, claimToken: 'earlier delivery', answeredAt: Date.now() - 29_000, answeredStatus: 500 };
const found = { result: 'found' as const, subscription: { id: 'bought-by-the-earlier-attempt', name: 'KVM 2', created_at: new Date().toISOString() } } as Awaited<
  ReturnType<WorkerDependencies['reconcile']>
>;
// The operator stopped VPS purchases (or lowered the approval threshold) after the earlier delivery sent the order.
const denyVps = { items: { deny: ['hostingercom-vps-*'] } };
const approveAll = { currencies: { USD: { approvalAbove: 0 } } };

describe('a redelivery under a policy that changed while an earlier attempt was in flight', () => {
  it('settles the earlier attempt rather than rejecting a request that may have bought', async () => {
    const { deps, complete, reconcile, placeOrder } = redelivery(denyVps, lostAnswer, found);
    await processBatch([message], deadline, deps);
    expect(reconcile).toHaveBeenCalled();
    expect(placeOrder).not.toHaveBeenCalled();
    expect(complete.mock.calls[0]?.[2].outcome).toMatchObject({ status: 'succeeded', reconciliation: { result: 'found', subscriptionId: 'bought-by-the-earlier-attempt' } });
  });

  it('does not park for approval (dropping its in-flight mark) a request whose earlier attempt bought', async () => {
    const { deps, complete, park, placeOrder } = redelivery(approveAll, lostAnswer, found);
    await processBatch([message], deadline, deps);
    expect(park).not.toHaveBeenCalled();
    expect(placeOrder).not.toHaveBeenCalled();
    expect(complete.mock.calls[0]?.[2].outcome).toMatchObject({ status: 'succeeded' });
  });

  it('once the earlier attempt is settled as having bought nothing, hands the request back for the policy to decide afresh', async () => {
    const { deps, complete, release, park, placeOrder } = redelivery(denyVps, answered500, { result: 'absent' });
    await processBatch([message], deadline, deps);
    expect(placeOrder).not.toHaveBeenCalled();
    expect(park).not.toHaveBeenCalled();
    expect(complete).not.toHaveBeenCalled();
    // Released with nothing unsettled: the next delivery starts from scratch, and the policy rejects it then.
    expect(release).toHaveBeenCalledWith('r', expect.any(String), expect.objectContaining({ attempts: 0, unresolved: undefined }));
  });
});
