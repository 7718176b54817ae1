import type { ApprovalLedger } from '../ledger/approval-ledger.ts';
import type { LedgerRecord, RequestLedger } from '../ledger/request-ledger.ts';
import type { EnqueueOrders } from '../messaging/order-queue.ts';
import type { ApprovalDecision } from '../order/approval.ts';
import { logger } from '../platform/logger.ts';
import type { SpendingPolicy } from '../policy/spending-policy.ts';

export interface ApprovalDependencies {
  approvals: ApprovalLedger;
  ledger: Pick<RequestLedger, 'get' | 'markEnqueued'>;
  enqueue: EnqueueOrders;
  policy: Pick<SpendingPolicy, 'approval'>;
  now: () => Date;
}

export type DecisionResult =
  | { kind: 'decided'; decision: ApprovalDecision; replayed: boolean }
  | { kind: 'missing' }
  | { kind: 'forbidden'; message: string }
  | { kind: 'conflict'; message: string; status: string; decision?: ApprovalDecision };

/**
 * Sends a decided request back to the queue; the worker buys it only if approved. The decision listed it as
 * unqueued: if sending fails, the sweep of unqueued requests sends it, so the caller needs not retry.
 */
async function queueDecided(record: LedgerRecord, deps: ApprovalDependencies): Promise<void> {
  if (!record.order) return;
  // A scheduled run's order goes back with its run, so the run's summary counts it when it ends.
  const batchRun = record.approvalHold?.batchRun;
  try {
    await deps.enqueue([{ requestId: record.requestId, ...record.order, ...(batchRun ? { batchRun } : {}) }]);
    await deps.ledger.markEnqueued(record.requestId, deps.now());
  } catch (error) {
    logger.warn('decided order not confirmed on the queue; the sweep of unqueued requests queues it', { requestId: record.requestId, error: error as Error });
  }
}

/** A decision repeated by its maker: answered as before, and the order queued again if it may not have been. */
async function replayOf(record: LedgerRecord, input: { decision: 'approved' | 'denied'; caller: string }, deps: ApprovalDependencies): Promise<DecisionResult | undefined> {
  const earlier = record.approval;
  if (!earlier || earlier.decision !== input.decision || earlier.by !== input.caller) return undefined;
  if (record.status === 'queued') await queueDecided(record, deps);
  return { kind: 'decided', decision: earlier, replayed: true };
}

/**
 * Approves or denies an order waiting for approval. Nobody approves their own order unless the policy says
 * so (denying one's own is always allowed). A decision after the wait ended records it as expired instead.
 * Repeating the same decision is harmless: it answers as before and queues the order again if needed.
 */
export async function decideOrder(
  input: { requestId: string; decision: 'approved' | 'denied'; caller: string; reason?: string },
  deps: ApprovalDependencies,
): Promise<DecisionResult> {
  const record = await deps.ledger.get(input.requestId);
  if (!record) return { kind: 'missing' };
  if (record.status !== 'awaiting_approval') {
    const replayed = await replayOf(record, input, deps);
    if (replayed) return replayed;
    const earlier = record.approval;
    const why = earlier ? `it was ${earlier.decision}${earlier.by ? ` by ${earlier.by}` : ''} at ${earlier.at}` : 'it is not waiting for approval';
    return { kind: 'conflict', message: `order ${input.requestId} cannot be ${input.decision}: ${why} (status ${record.status})`, status: record.status, decision: earlier };
  }
  if (input.decision === 'approved' && record.owner === input.caller && !deps.policy.approval.allowSelfApproval) {
    return { kind: 'forbidden', message: 'nobody approves their own order (the spending policy has approval.allowSelfApproval false)' };
  }
  const now = deps.now();
  const expiresAt = record.approvalHold?.event.expiresAt;
  const expired = expiresAt !== undefined && now.getTime() >= Date.parse(expiresAt);
  // An approval covers the totals the approver was shown, no more (the worker prices the order again).
  const shown = input.decision === 'approved' ? record.approvalHold?.event.totals : undefined;
  const decision: ApprovalDecision = expired
    ? { decision: 'expired', at: now.toISOString() }
    : { decision: input.decision, by: input.caller, at: now.toISOString(), ...(input.reason ? { reason: input.reason } : {}), ...(shown ? { totals: shown } : {}) };
  let decided = await deps.approvals.decide(input.requestId, decision, now);
  // Our own write whose reply was lost (the SDK's retry then finds it decided): it is ours, and stands.
  const mine = !decided.decided && decided.record?.approval && JSON.stringify(decided.record.approval) === JSON.stringify(decision);
  if (mine && decided.record) decided = { decided: true, record: decided.record };
  // The same decision by the same caller, made meanwhile (a double click, a client's retry): a replay.
  const replayed = !decided.decided && decided.record ? await replayOf(decided.record, input, deps) : undefined;
  if (replayed) return replayed;
  if (!decided.decided) {
    const other = decided.record?.approval;
    return {
      kind: 'conflict',
      message: `order ${input.requestId} was decided meanwhile${other ? `: ${other.decision}` : ''}`,
      status: decided.record?.status ?? 'unknown',
      decision: other,
    };
  }
  await queueDecided(decided.record, deps);
  logger.info('order decided', { requestId: input.requestId, decision: decision.decision, by: decision.by });
  if (expired) return { kind: 'conflict', message: `the wait for approval ended at ${expiresAt}: the order ends rejected`, status: 'queued', decision };
  return { kind: 'decided', decision, replayed: false };
}

/** Ends the waits that ran out: each order is decided `expired` and queued, and the worker ends it rejected. */
export async function expireApprovals(deps: ApprovalDependencies & { limit: number }): Promise<{ expired: number }> {
  const now = deps.now();
  let expired = 0;
  for (const requestId of await deps.approvals.expired(now, deps.limit)) {
    const decided = await deps.approvals.decide(requestId, { decision: 'expired', at: now.toISOString() }, now);
    if (!decided.decided) continue;
    await queueDecided(decided.record, deps);
    expired += 1;
  }
  return { expired };
}
