import type { RequestLedger } from '../ledger/request-ledger.ts';
import type { UnqueuedRequests } from '../ledger/unqueued-requests.ts';
import type { EnqueueOrder } from '../messaging/order-queue.ts';
import { logger } from '../platform/logger.ts';
import { mapConcurrently } from '../platform/map-concurrently.ts';

export interface SweepDependencies {
  unqueued: UnqueuedRequests;
  ledger: Pick<RequestLedger, 'get' | 'markEnqueued'>;
  enqueue: EnqueueOrder;
  /** A record younger than this may still be on its way to the queue from the intake: left alone. */
  olderThanMs: number;
  /** Records looked at per run, at most; the next run takes the rest. */
  limit: number;
  now: () => Date;
}

/**
 * Queues (again) the requests the intake recorded whose message is not known to be on the queue, so every
 * request answered 202 reaches an outcome. Idempotent: a request queued twice is claimed once. Each record
 * is read again (consistently) first: the index may show one that was marked or claimed a moment ago.
 */
export async function sweepUnqueued(deps: SweepDependencies): Promise<{ found: number; queued: number }> {
  const ids = await deps.unqueued.recordedBefore(deps.now().getTime() - deps.olderThanMs, deps.limit);
  let queued = 0;
  await mapConcurrently(ids, 5, async (requestId) => {
    try {
      const record = await deps.ledger.get(requestId);
      if (!record?.order || record.enqueuedAt !== undefined) return;
      if (record.status !== 'queued') {
        // Claimed already (the claim clears the mark; an old record may predate that): nothing to queue.
        await deps.ledger.markEnqueued(requestId, deps.now());
        return;
      }
      // A decided order of a scheduled run goes back with its run, as the decision sends it, so the run's summary counts it.
      await deps.enqueue(requestId, record.order, record.approvalHold?.batchRun);
      await deps.ledger.markEnqueued(requestId, deps.now());
      queued += 1;
      logger.info('queued an order request whose message was not known to be queued', { requestId, recordedAt: record.createdAt });
    } catch (error) {
      // Still listed: the next run tries again.
      logger.error('could not queue an unqueued order request', { requestId, error: error as Error });
    }
  });
  return { found: ids.length, queued };
}
