import type { FollowUpDocument, FollowUps } from '../ledger/follow-ups.ts';
import type { LedgerRecord, RequestLedger } from '../ledger/request-ledger.ts';
import type { PublishOutcomes } from '../messaging/outcome-publisher.ts';
import { isOrderOutcome } from '../messaging/outcome-publisher.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import { buildOutcome } from '../order/outcome.ts';
import { orderResolved, type Resolution } from '../order/resolution.ts';
import { logger } from '../platform/logger.ts';
import { mapConcurrently } from '../platform/map-concurrently.ts';
import type { OrderMetrics } from '../platform/order-metrics.ts';
import { unknownAttemptWindow } from '../reconciliation/attempt-window.ts';
import type { PendingPayment } from '../reconciliation/pending-payment.ts';
import { keyMissesLostAnswer, type ReconcileVerdict } from '../reconciliation/verdict.ts';
import { type FollowUpSettings, nextLook } from './follow-up-policy.ts';

export interface FollowUpDependencies {
  followUps: FollowUps;
  requests: Pick<RequestLedger, 'get'>;
  /** Reads the ids of the account's subscriptions (the run reads them once, on the first pending payment that needs them). */
  subscriptionIds: () => Promise<Set<string>>;
  /** Looks for the purchase an unknown request may have made, as the worker's reconciliation does. */
  reconcile: (record: LedgerRecord) => Promise<ReconcileVerdict>;
  publish: PublishOutcomes;
  /** Ends the budget reservation of a resolved unknown: `release` gives it back, `keep` leaves it counted (idempotent). */
  settleBudget?: (requestId: string, how: 'release' | 'keep', now: Date) => Promise<void>;
  /**
   * Frees the purchase key (VPS hostname, domain, renewed subscription) of a resolved unknown, as the worker does
   * when a request ends with that status: `failed` frees any key, `succeeded` a renewal's only (idempotent).
   */
  releaseKey?: (requestId: string, purchase: Purchase, status: 'succeeded' | 'failed', now: Date) => Promise<void>;
  /**
   * Records the subscription a VM found by its hostname names as the request's, as the worker records one
   * (as certain as an answer); false if reconciliation had given it to another request.
   */
  recordSubscription?: (subscriptionId: string, requestId: string, now: Date) => Promise<boolean>;
  /** Whether an order of this purchase could be awaiting payment (no subscription until someone pays it). */
  pendingPayment: (purchase: Purchase) => Promise<PendingPayment>;
  /** Final outcomes the follow-up decides count like the worker's (the failed and unknown alarms watch them). */
  metrics: Pick<OrderMetrics, 'outcome'>;
  settings: FollowUpSettings;
  /** Requests looked at per run, at most; the next run takes the rest. */
  limit: number;
  now: () => Date;
}

export interface FollowUpReport {
  looked: number;
  /** Pending payments that completed: the request ends `order.succeeded`. */
  paid: number;
  /** Pending payments that did not complete in time: the request ends `order.failed`. */
  expired: number;
  /** Unknown outcomes decided: `order.resolved` published. */
  resolved: number;
}

type Step = 'paid' | 'expired' | 'resolved' | 'later' | 'none';

/** The account's subscription ids, and when the read of them started (epoch ms): they are at least that recent. */
type ListSubscriptions = () => Promise<{ ids: Set<string>; at: number }>;

/** The final outcome of a pending payment: succeeded once its subscription exists, failed at the deadline. */
async function followPayment(record: LedgerRecord, deps: FollowUpDependencies, listSubscriptions: ListSubscriptions, now: Date): Promise<Step> {
  const { followUp, outcome } = record;
  if (!followUp || !outcome) return 'none';
  const subscriptionId = record.subscriptionId ?? outcome.order?.subscription_id ?? undefined;
  // A renewal's subscription exists before it is paid: its payment shows as the expiry moving (its key).
  const renewal = record.order?.kind === 'renewal' ? await deps.reconcile(record) : undefined;
  // Not looked at (no time left, the account unreadable): no evidence to expire it on, even at the deadline.
  if (renewal?.result === 'deferred') return 'later';
  const listed = !renewal && subscriptionId !== undefined ? await listSubscriptions() : undefined;
  const paid = renewal ? renewal.result === 'found' : subscriptionId !== undefined && listed?.ids.has(subscriptionId) === true;
  // Expired only on evidence from the deadline or later: the run's list may predate a payment made just before it.
  const seenAt = listed?.at ?? now.getTime();
  if (!paid && seenAt < followUp.until) return 'later';
  const orderId = outcome.order?.id;
  const final = buildOutcome({
    outcomeId: `final:${record.requestId}`,
    requestId: record.requestId,
    kind: outcome.kind,
    status: paid ? 'succeeded' : 'failed',
    attempts: outcome.attempts,
    order: outcome.order,
    ...(renewal?.result === 'found' && renewal.bought ? { bought: renewal.bought } : outcome.bought ? { bought: outcome.bought } : {}),
    error: paid
      ? null
      : {
          message:
            `the payment of order ${orderId ?? '(no id)'} was not completed by ${new Date(followUp.until).toISOString()}: ` +
            'check hPanel > Billing > Orders; if it is paid there later, the subscription is yours, and nothing else was bought for this request',
        },
    ...(renewal?.result === 'found' && renewal.key
      ? { reconciliation: { result: 'found' as const, key: renewal.key } }
      : paid && subscriptionId
        ? { reconciliation: { result: 'found' as const, subscriptionId } }
        : {}),
    ...(outcome.totals ? { totals: outcome.totals } : {}),
    requestedAt: outcome.requestedAt,
    completedAt: now.toISOString(),
  });
  const settled = await deps.followUps.settle(record.requestId, outcome.outcomeId, final, now);
  return settled ? (paid ? 'paid' : 'expired') : 'none';
}

/** What an unknown outcome turned out to be, once the account's records can tell. */
async function followUnknown(record: LedgerRecord, deps: FollowUpDependencies, now: Date): Promise<Step> {
  const { followUp, outcome } = record;
  if (!followUp || !outcome || record.resolution) return 'none';
  const verdict = await deps.reconcile(record);
  // Not looked at (no time left, the account unreadable): the look is owed, even past the deadline.
  if (verdict.result === 'deferred') return 'later';
  const over = now.getTime() >= followUp.until;
  let resolution: Resolution | undefined;
  if (verdict.result === 'found') {
    const subscriptionId = verdict.subscription?.id ?? verdict.subscriptionId;
    const evidence = verdict.key
      ? `${verdict.key} shows the purchase, and only this request held that key`
      : `subscription ${subscriptionId} was made during the attempt and no other request can own it`;
    resolution = { result: 'bought', ...(subscriptionId ? { subscriptionId } : {}), evidence, at: now.toISOString() };
  } else if (verdict.result === 'absent' && over) {
    const days = Math.round((followUp.until - Date.parse(outcome.completedAt)) / 86_400_000);
    resolution = { result: 'not_bought', evidence: `no purchase that could be this request's appeared within ${days} day(s) of the attempt`, at: now.toISOString() };
  }
  if (!resolution) return over ? 'none' : 'later';
  // A VM or a domain's registration started a subscription of its item: one this reconciliation took, or the
  // VM names, is recorded as the request's; otherwise the request keeps standing in the way of generic orders
  // of the item, which would take that subscription for their own.
  const keyed = verdict.result === 'found' && verdict.subscription === undefined && (record.order?.kind === 'vps' || record.order?.kind === 'domain');
  const recorded =
    keyed && verdict.subscriptionId !== undefined && deps.recordSubscription !== undefined ? await deps.recordSubscription(verdict.subscriptionId, record.requestId, now) : false;
  const keyedWindow = keyed && !recorded ? unknownAttemptWindow(record) : undefined;
  const resolved = await deps.followUps.resolve(record.requestId, orderResolved(record.requestId, outcome.outcomeId, resolution), resolution, now, keyedWindow);
  return resolved ? 'resolved' : 'none';
}

/**
 * An unknown's reservation and purchase key stay held until it is resolved: given back once proven not bought on
 * a payment method that settles within the order request (never a VPS, domain or renewal whose answer was lost),
 * kept otherwise (bought, though a renewal's key is freed then as when a renewal ends; on a card, whose order may
 * still await payment with no subscription, and be paid in hPanel any time later; or nothing decided when its
 * follow-up ends, so its hold does not linger in the budget item). A pending renewal's key is freed once its
 * payment is followed to its end (paid or expired): until then its follow-up reads the payment by that key.
 * Done whenever the run is about to publish the resolution or final outcome, or end the follow-up (all are
 * idempotent), so one recorded by a write whose reply was lost, or by a run that died before settling, still
 * settles it; a failure leaves them held.
 */
async function settleHoldsOf(record: LedgerRecord, document: FollowUpDocument | undefined, deps: FollowUpDependencies, now: Date): Promise<void> {
  if (record.order?.kind === 'renewal' && document !== undefined && document.type !== 'order.resolved' && (record.status === 'succeeded' || record.status === 'failed')) {
    return freeKey(record.requestId, record.order, record.status, deps, now);
  }
  if (record.status !== 'unknown') return;
  const resolution = document?.type === 'order.resolved' ? document.resolution.result : undefined;
  // Proven nothing by a key that cannot see what a lost answer bought, it keeps both.
  const lostKeyed = record.order !== undefined && keyMissesLostAnswer(record.order, unknownAttemptWindow(record));
  const notBought = resolution === 'not_bought' && record.order !== undefined && !lostKeyed && (await deps.pendingPayment(record.order)).result === 'settled';
  const how = notBought ? 'release' : 'keep';
  const { requestId, order } = record;
  await deps
    .settleBudget?.(requestId, how, now)
    .catch((error: unknown) => logger.error('could not settle the budget of a followed-up request', { requestId, how, error: error as Error }));
  const ended = notBought ? 'failed' : resolution === 'bought' ? 'succeeded' : undefined;
  if (order && ended) await freeKey(requestId, order, ended, deps, now);
}

const freeKey = (requestId: string, order: Purchase, ended: 'succeeded' | 'failed', deps: FollowUpDependencies, now: Date): Promise<void> =>
  (deps.releaseKey?.(requestId, order, ended, now) ?? Promise.resolve()).catch((error: unknown) =>
    logger.error('could not free the purchase key of a followed-up request', { requestId, error: error as Error }),
  );

/**
 * One run of the follow-up: every due request is looked at once. Each document is recorded before it is
 * published, and a recorded one that could not be published is published again by the next run; a
 * request leaves the follow-up only once its document is out (or there is nothing more to learn).
 */
export async function runFollowUps(deps: FollowUpDependencies): Promise<FollowUpReport> {
  const report: FollowUpReport = { looked: 0, paid: 0, expired: 0, resolved: 0 };
  let listed: ReturnType<ListSubscriptions> | undefined;
  // One read of the list per run, shared by every pending payment the run looks at.
  const listSubscriptions: ListSubscriptions = () =>
    (listed ??= (async () => {
      const at = deps.now().getTime();
      return { ids: await deps.subscriptionIds(), at };
    })());
  const ids = await deps.followUps.due(deps.now().getTime(), deps.limit);
  await mapConcurrently(ids, 5, async (requestId) => {
    try {
      let record = await deps.requests.get(requestId);
      if (!record?.followUp) return;
      report.looked += 1;
      const now = deps.now();
      if (!record.followUpUnpublished) {
        const step =
          record.status === 'pending' ? await followPayment(record, deps, listSubscriptions, now) : record.status === 'unknown' ? await followUnknown(record, deps, now) : 'none';
        if (step === 'later') {
          await deps.followUps.postpone(requestId, { ...record.followUp, ...nextLook(record.followUp, now.getTime(), deps.settings) });
          return;
        }
        if (step !== 'none') report[step] += 1;
        record = await deps.requests.get(requestId);
      }
      const document = record?.followUpUnpublished;
      if (record) await settleHoldsOf(record, document, deps, now);
      if (document) {
        const unpublished = await deps.publish([document]);
        if (unpublished.has(document.outcomeId)) return;
        logger.info('follow-up published', { requestId, outcome: document.type });
        // Counted once: the request leaves the follow-up right after (a repeat publishes, it is not counted again).
        if (isOrderOutcome(document)) deps.metrics.outcome(document);
      }
      await deps.followUps.close(requestId);
    } catch (error) {
      // Still due: the next run looks again.
      logger.error('could not follow up a request', { requestId, error: error as Error });
    }
  });
  return report;
}
