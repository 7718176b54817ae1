import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { CatalogGuard } from '../catalog/catalog-guard.ts';
import { type FollowUpSettings, startFollowUp } from '../follow-up/follow-up-policy.ts';
import type { ApprovalLedger } from '../ledger/approval-ledger.ts';
import type { PlanRunLedger } from '../ledger/plan-run-ledger.ts';
import type { ClaimResult, RequestLedger } from '../ledger/request-ledger.ts';
import type { SubscriptionLedger } from '../ledger/subscription-ledger.ts';
import type { HandBackMessage, ReturnMessage } from '../messaging/message-visibility.ts';
import { isOrderOutcome, type PublishOutcomes } from '../messaging/outcome-publisher.ts';
import { HAND_BACKS_ATTRIBUTE as HAND_BACKS, messageRequestId, type ReadMessage, readQueueMessage } from '../messaging/queue-message.ts';
import { type AwaitingApproval, awaitingApproval } from '../order/approval.ts';
import { asOrder, kindOf, lostItsSecret, purchaseOf } from '../order/kinds/purchase.ts';
import type { OrderError } from '../order/order-error.ts';
import type { FieldErrors, PlanRunRef } from '../order/order-request.ts';
import { buildOutcome, type Outcome, withoutBillingAddress } from '../order/outcome.ts';
import { requestHash } from '../order/request-identity.ts';
import type { Log } from '../platform/log.ts';
import { mapConcurrently } from '../platform/map-concurrently.ts';
import type { OrderMetrics } from '../platform/order-metrics.ts';
import { windowOfMark } from '../reconciliation/attempt-window.ts';
import type { KeyedPurchases, ReconcilePurchase } from '../reconciliation/by-key.ts';
import type { PendingPaymentCheck } from '../reconciliation/pending-payment.ts';
import { attemptFits, type Deadline } from '../retry/retry-policy.ts';
import { type BatchCompleted, runCompletedId, runEntryOf, summarizeRun } from '../scheduled/run-events.ts';
import { notesFrom, noting } from './attempt-notes.ts';
import type { ItemTurns } from './item-turns.ts';
import type { SpendDecision, SpendGuard } from './spend-guard.ts';
import { type Reconciled, type SubmissionResult, type SubmitDependencies, submitOrder } from './submit-order.ts';
import type { WorkerObserver } from './worker-events.ts';

export interface WorkerDependencies {
  log: Log;
  /** Requests, and the progress of the scheduled runs they belong to. */
  ledger: RequestLedger & PlanRunLedger & Pick<SubscriptionLedger, 'recordAnswer'>;
  submit: SubmitDependencies;
  /** Settles unknown attempts: a generic order by the subscriptions list, the other kinds by their key. */
  reconcile: ReconcilePurchase;
  /** VPS, domain and renewal keys: held with a baseline before the first attempt, freed when done. */
  keyed?: Pick<KeyedPurchases, 'prepare' | 'release'>;
  /** Whether an order's payment method can leave it awaiting payment (no subscription to find after a 5xx). */
  pendingPayment: PendingPaymentCheck;
  publish: PublishOutcomes;
  /** Messages of one batch processed at the same time. */
  concurrency: number;
  /** The queue's maxReceiveCount: on the last allowed delivery a failure is written to the ledger. */
  maxReceiveCount: number;
  metrics: OrderMetrics;
  /** Catalog and payment-method checks before the first attempt; absent when switched off. */
  catalogGuard?: CatalogGuard;
  /** The spending policy: limits, approvals and budget reservations before a first attempt; absent when switched off. */
  spendGuard?: SpendGuard;
  /** Where orders wait for approval (with spendGuard). */
  approvals?: ApprovalLedger;
  /** Outcomes (and GET /orders/{id}) carry Hostinger's billing address (name, email, street) only when set. */
  includeBillingAddress?: boolean;
  /** Hands a message back for a shorter time than its visibility timeout; absent: it waits the whole timeout. */
  returnMessage?: ReturnMessage;
  /** Sends a message that only waits back as a new message, sparing its deliveries; absent: it is returned (returnMessage). */
  handBack?: HandBackMessage;
  /** How pending payments and unknown outcomes are followed up after this delivery. */
  followUp: FollowUpSettings;
  now: () => Date;
  /** Told of each retry, reconciliation and deferral as it happens (the local stack prints them). */
  observe?: WorkerObserver;
  /** Attempts on one catalog item take turns after an ambiguous one (careful mode); absent: never. */
  itemTurns?: ItemTurns;
}

/**
 * A message whose next delivery can do its work at a known time (an unsettled attempt whose check needs
 * Hostinger to have finished) comes back then, not after the rest of the visibility timeout (180 s).
 */
/**
 * How many times one request's message may be handed back as a new message (each wait is seconds to half a
 * minute): beyond that its waits spend deliveries again, so that nothing circulates for ever.
 */
export const MAX_HAND_BACKS = 60;
/** SQS refuses a message with more message attributes than this. */
const SQS_MAX_MESSAGE_ATTRIBUTES = 10;

/**
 * A message that only waits (its retryAt is known: its turn on an item, rivals to settle) goes back as a new
 * message, carrying its request id (the new message id must not name another request) and the count of its
 * hand-backs; the original is then deleted. False when it could not be sent: it is returned as a failure.
 */
async function handBack(record: SQSRecord, requestId: string, retryAt: number, deps: WorkerDependencies): Promise<boolean> {
  const handBacks = handBacksOf(record);
  if (!deps.handBack || handBacks >= MAX_HAND_BACKS) return false;
  // Only string attributes travel (producers set none other; the CLI's batch tag is one).
  const attributes: Record<string, string> = Object.fromEntries(
    Object.entries(record.messageAttributes ?? {}).flatMap(([name, value]) => (value.stringValue === undefined ? [] : [[name, value.stringValue]])),
  );
  // The request id is added only where the body does not name it already: SQS takes at most 10 attributes.
  const read = readQueueMessage(record.body);
  const named = attributes.requestId === undefined && (read.ok ? read.message.requestId : read.requestId) === requestId;
  const copied = { ...attributes, ...(named ? {} : { requestId }), [HAND_BACKS]: String(handBacks + 1) };
  if (Object.keys(copied).length > SQS_MAX_MESSAGE_ATTRIBUTES) return false;
  try {
    await deps.handBack({ body: record.body, attributes: copied }, Math.max(0, retryAt - deps.now().getTime()));
    return true;
  } catch (error) {
    // If it was sent after all, two copies exist: the claim lets one of them work at a time.
    deps.log.warn('could not hand the message back as a new message', { messageId: record.messageId, requestId, error: error as Error });
    return false;
  }
}

const handBacksOf = (record: SQSRecord) => Number(record.messageAttributes?.[HAND_BACKS]?.stringValue ?? 0) || 0;

/**
 * Whether a request whose item is held waits for its turn: yes when its next step is an attempt (or another
 * delivery works on it); not when an earlier attempt is still to be settled (a check of the account, which
 * needs no turn, and which rivals wait for), nor when it is decided or waits for approval (published again).
 */
async function waitsForTurn(requestId: string, deps: WorkerDependencies): Promise<boolean> {
  let record: Awaited<ReturnType<WorkerDependencies['ledger']['get']>>;
  try {
    record = await deps.ledger.get(requestId);
  } catch {
    return true;
  }
  // Held by another delivery: its claim would be refused, and a refused claim spends a delivery.
  if (!record || (record.leaseUntil ?? 0) > deps.now().getTime()) return true;
  return record.inFlight === undefined && (record.status === 'queued' || record.status === 'submitting');
}

async function returnEarly(record: SQSRecord, retryAt: number, deps: WorkerDependencies): Promise<void> {
  if (!deps.returnMessage) return;
  try {
    await deps.returnMessage(record.receiptHandle, Math.max(0, retryAt - deps.now().getTime()));
  } catch (error) {
    // It still comes back, after the rest of its visibility timeout.
    deps.log.warn('could not hand the message back early', { messageId: record.messageId, error: error as Error });
  }
}

/** Logs and measures each Hostinger attempt of one request, with its request id and attempt number. */
function observedAttempts(
  placeOrder: SubmitDependencies['placeOrder'],
  requestId: string,
  attemptsBefore: number,
  metrics: OrderMetrics,
  log: Log,
): SubmitDependencies['placeOrder'] {
  let attempt = attemptsBefore;
  return async (order, token) => {
    attempt += 1;
    const started = Date.now();
    const result = await placeOrder(order, token);
    const latencyMs = Date.now() - started;
    metrics.attempt(latencyMs, result);
    const error = 'error' in result ? result.error : undefined;
    log.debug('hostinger attempt answered', {
      requestId,
      attempt,
      result: result.kind,
      httpStatus: error?.httpStatus,
      correlationId: error?.correlationId,
      latencyMs,
    });
    return result;
  };
}

/**
 * A message is either done (its outcome to publish; `fresh` when this delivery decided it, not a repeat)
 * or goes back to the queue for a later delivery.
 */
type MessageResult =
  | { kind: 'done'; outcome: Outcome | AwaitingApproval; fresh: boolean; batchRun?: PlanRunRef }
  /** `retryAt`: when the next delivery can do what this one could not (epoch ms), if known. */
  | { kind: 'retry'; reason: string; requestId?: string; retryAt?: number };

const SECRET_LOST: OrderError = {
  message:
    "the VM's root password is not kept by the pipeline, and this order was queued again without it (after an approval, or because its " +
    'message could not be queued): nothing was bought; send it again, or without setup.password and set the password in hPanel',
  code: 'password_not_kept',
};

const SECRET_NOT_HELD: OrderError = {
  message:
    "this order needs approval, and an order that waits is queued again from the ledger, which does not keep the VM's root password: " +
    'nothing was bought; send it without setup.password (set the password in hPanel), or with a public_key',
  code: 'password_not_kept',
};

/** The request a message is about (see messageRequestId). */
const requestIdOfRecord = (record: SQSRecord, read: ReadMessage = readQueueMessage(record.body)) =>
  messageRequestId(read, record.messageAttributes?.requestId?.stringValue, record.messageId);

/**
 * Rejects a message before any claim, and records the rejection so a redelivery publishes the same outcome.
 * A message that names a request id already in use by another order is reported under its own message id
 * (`sqs-<message id>`), so that request never gets a second, different outcome.
 */
async function rejectMessage(record: SQSRecord, requestId: string, error: OrderError, deps: WorkerDependencies): Promise<MessageResult> {
  const at = deps.now();
  const rejection = (id: string) =>
    buildOutcome({
      outcomeId: `rejected:${record.messageId}`,
      requestId: id,
      status: 'rejected',
      attempts: 0,
      error,
      requestedAt: new Date(Number(record.attributes.SentTimestamp) || at.getTime()).toISOString(),
      completedAt: at.toISOString(),
    });
  const outcome = rejection(requestId);
  const recorded = await deps.ledger.recordRejectedMessage(requestId, outcome, at);
  if (recorded.recorded) return { kind: 'done', outcome, fresh: true };
  if (recorded.existing?.outcomeId === outcome.outcomeId) return { kind: 'done', outcome: recorded.existing, fresh: false };
  const ownId = `sqs-${record.messageId}`;
  if (requestId === ownId) return { kind: 'retry', reason: `request id ${ownId} is taken`, requestId };
  const own = rejection(ownId);
  const ownRecorded = await deps.ledger.recordRejectedMessage(ownId, own, at);
  return { kind: 'done', outcome: ownRecorded.recorded ? own : (ownRecorded.existing ?? own), fresh: ownRecorded.recorded };
}

/** The subscription a found verdict attributes: the one the generic reconciliation took, or the VM's. */
const foundSubscription = (reconciled: Reconciled | undefined) => (reconciled?.result === 'found' ? (reconciled.subscription?.id ?? reconciled.subscriptionId) : undefined);

function outcomeOf(
  requestId: string,
  kind: ReturnType<typeof kindOf>,
  requestedAt: string,
  result: Exclude<SubmissionResult, { status: 'deferred' }>,
  completedAt: Date,
  extra: { totals?: Outcome['totals']; approval?: Outcome['approval']; includeBillingAddress?: boolean },
): Outcome {
  const { reconciled, effect } = result;
  const subscriptionId = foundSubscription(reconciled);
  const notice = effect?.notice;
  return buildOutcome({
    totals: extra.totals,
    approval: extra.approval,
    requestId,
    kind,
    status: result.status,
    attempts: result.attempts,
    order: result.order && (extra.includeBillingAddress ? result.order : withoutBillingAddress(result.order)),
    bought: effect?.bought ?? (reconciled?.result === 'found' ? reconciled.bought : undefined),
    // A pending VPS or domain was not provisioned: the outcome says what the user must do.
    error: result.error ?? (notice ? { message: notice } : undefined),
    reconciliation: reconciled && {
      result: reconciled.result,
      ...(subscriptionId ? { subscriptionId } : {}),
      ...(reconciled.result === 'found' && reconciled.key ? { key: reconciled.key } : {}),
      ...(reconciled.result === 'inconclusive' ? { candidates: reconciled.candidates } : {}),
    },
    requestedAt,
    completedAt: completedAt.toISOString(),
  });
}

/** A message whose request could not be claimed: a repeat of a finished one, one in other hands, or a conflict. */
function unclaimed(
  claim: Exclude<ClaimResult, { claimed: true }>,
  record: SQSRecord,
  requestId: string,
  batchRun: PlanRunRef | undefined,
  deps: WorkerDependencies,
): MessageResult | Promise<MessageResult> {
  switch (claim.reason) {
    case 'finished':
      // Already decided (a redelivery, or a duplicate): publish the recorded outcome again, never buy again.
      return claim.existing.outcome
        ? { kind: 'done', outcome: claim.existing.outcome, fresh: false, batchRun }
        : { kind: 'retry', reason: 'finished without an outcome', requestId };
    case 'busy':
      // Waiting for a decision: the event is published again, and the message is done; a decision queues it anew.
      if (claim.existing.status === 'awaiting_approval' && claim.existing.approvalHold) return { kind: 'done', outcome: claim.existing.approvalHold.event, fresh: false };
      return { kind: 'retry', reason: 'another worker holds this request', requestId };
    case 'conflict':
      return rejectMessage(record, requestId, { message: `request id ${requestId} is already used by a different order` }, deps);
  }
}

async function processRecord(record: SQSRecord, deadline: Deadline, deps: WorkerDependencies): Promise<MessageResult> {
  const { ledger, now } = deps;
  const read = readQueueMessage(record.body);
  if (!read.ok) {
    return rejectMessage(record, requestIdOfRecord(record, read), { message: 'the queue message is not a valid order request', fieldErrors: read.errors }, deps);
  }

  const requestId = requestIdOfRecord(record, read);
  if (!attemptFits(deadline, 0, deps.submit.timeoutMs, deps.submit.reserveMs)) return { kind: 'retry', reason: 'not enough time left to start', requestId };
  const order = purchaseOf(read.message);
  const { batchRun } = read.message;
  let refused: FieldErrors | undefined;
  try {
    // The token and the catalog check come before the claim: an unreachable Secrets Manager then costs no
    // ledger writes, and nothing slow stands between the claim (which marks the attempt in flight) and the call.
    await deps.submit.token();
    refused = await deps.catalogGuard?.(order);
  } catch (error) {
    return { kind: 'retry', reason: error instanceof Error ? error.message : 'token unavailable', requestId };
  }

  const claimToken = randomUUID();
  // On the message's last allowed delivery nothing may defer it any more: it would go to the dead-letter queue.
  const lastDelivery = Number(record.attributes.ApproximateReceiveCount) >= deps.maxReceiveCount;
  // A message that has spent its hand-backs waiting goes anyway too: its next waits would spend deliveries, and
  // an attempt on its last one could not defer its check (it would go to the dead-letter queue, no outcome).
  const turn = deps.itemTurns?.(claimToken, order, { lastDelivery: lastDelivery || handBacksOf(record) >= MAX_HAND_BACKS });
  // Its item is held for a while: it comes back then, before anything is written for it (unless it needs no turn).
  const held = await turn?.peek();
  if (held && (await waitsForTurn(requestId, deps))) return { kind: 'retry', reason: held.reason, requestId, retryAt: held.retryAt };
  const claimedAt = now();
  const claim = await ledger.claim({
    requestId,
    source: 'queue',
    order,
    requestHash: requestHash(order),
    now: claimedAt,
    claimToken,
    leaseUntil: claimedAt.getTime() + deadline.remainingMs(),
  });
  if (!claim.claimed) return unclaimed(claim, record, requestId, batchRun, deps);

  const { record: claimed } = claim;
  const earlier = claimed.inFlight && claimed.inFlight.claimToken !== claimToken ? claimed.inFlight : undefined;
  const catalogRefusal = refused && claimed.attempts === 0 && !earlier;
  // Queued again from the ledger without its VM's root password: never sent (only an earlier attempt is settled).
  const secretLost = lostItsSecret(order);
  // The spending policy, before the first attempt only (never halfway): limits, approval, budget reservation.
  const spend: SpendDecision | undefined =
    !catalogRefusal && !secretLost && claimed.attempts === 0 && deps.spendGuard
      ? await deps.spendGuard.beforeFirstAttempt({ requestId, purchase: order, owner: claimed.owner, approval: claimed.approval, resumed: earlier !== undefined, now: now() })
      : undefined;
  if (spend?.kind === 'retry') {
    await ledger.release(requestId, claimToken, { attempts: claimed.attempts, lastError: { message: spend.reason }, unresolved: earlier, now: now() });
    return { kind: 'retry', reason: spend.reason, requestId };
  }
  // The policy turned against a request an earlier delivery may have sent (it changed, or a price did, meanwhile):
  // that attempt is settled first, and only if it bought nothing does the policy decide, on the next delivery.
  const settleFirst = earlier !== undefined && (spend?.kind === 'rejected' || spend?.kind === 'approval' || secretLost);
  // A parked order is queued again from the ledger, which does not keep a VM's root password: refused now, not after an approver's work.
  const heldSecret = spend?.kind === 'approval' && order.kind === 'vps' && order.setup.password !== undefined;
  if (spend?.kind === 'approval' && !settleFirst && !heldSecret) return parkForApproval(requestId, claimToken, claimed.createdAt, claimed.owner, spend, batchRun, deps);
  // A VPS, domain or renewal holds its key, with what the account shows for it, before its first attempt.
  const prepared = catalogRefusal || secretLost || spend?.kind === 'rejected' || settleFirst ? undefined : await deps.keyed?.prepare(requestId, order);
  if (prepared && 'retry' in prepared) {
    await ledger.release(requestId, claimToken, { attempts: claimed.attempts, lastError: claimed.lastError ?? { message: prepared.retry }, unresolved: earlier, now: now() });
    return { kind: 'retry', reason: prepared.retry, requestId };
  }
  const notes = notesFrom(earlier !== undefined, claimed.lastError);
  // Refused only before anything was tried: a request already under way is never refused halfway. (A key
  // refusal is always safe: no attempt is made before the request holds its key.)
  const result: SubmissionResult = catalogRefusal
    ? { status: 'rejected', attempts: 0, error: { message: 'the order does not match the Hostinger catalog or the account', fieldErrors: refused } }
    : (secretLost || heldSecret) && !earlier
      ? { status: 'rejected', attempts: claimed.attempts, error: heldSecret ? SECRET_NOT_HELD : SECRET_LOST }
      : spend?.kind === 'rejected' && !settleFirst
        ? { status: 'rejected', attempts: 0, error: spend.error }
        : prepared && 'rejected' in prepared
          ? {
              status: 'rejected',
              attempts: claimed.attempts,
              error: { message: `this ${kindOf(order)} purchase cannot be made safely: its key is taken`, fieldErrors: prepared.rejected },
            }
          : await submitOrder(
              order,
              {
                attemptsSoFar: claimed.attempts,
                unresolved: earlier && windowOfMark(earlier, deps.submit.timeoutMs),
                lastError: claimed.lastError,
                settleOnly: settleFirst,
                markedAt: claimedAt.getTime(),
              },
              deadline,
              { ...deps.submit, placeOrder: observedAttempts(noting(deps.submit.placeOrder, requestId, notes), requestId, claimed.attempts, deps.metrics, deps.log) },
              {
                startAttempt: (attemptsAnswered, lastError) => ledger.startNextAttempt(requestId, claimToken, attemptsAnswered, lastError, now()),
                // On the message's last allowed delivery the check decides now: a deferral would send it to the DLQ.
                reconcile: (window) => deps.reconcile(requestId, order, window, deadline, notes, { finalLook: lastDelivery }),
                attemptEnded: (window) =>
                  ledger
                    .markAttemptEnded(requestId, claimToken, {
                      startedAt: window.startedAt,
                      claimToken,
                      endedAt: window.endedAt,
                      ...(window.answered ? { answeredAt: window.endedAt, answeredStatus: window.httpStatus } : {}),
                    })
                    // Only rivals' patience depends on this mark: without it they wait for this request's deferral.
                    .catch((error: unknown) => deps.log.warn('could not mark an attempt as ended', { requestId, error: error as Error })),
                progress: (event) => {
                  if (event.kind === 'retry') deps.log.info('retrying an attempt', { requestId, attempt: event.attempt, cause: event.cause, delayMs: event.delayMs });
                  deps.observe?.({ ...event, requestId });
                },
                pendingPayment: () => deps.pendingPayment(asOrder(order)),
                // An earlier delivery's attempt, settled here, gives back the block that delivery took for it.
                turn: turn && earlier ? { ...turn, settled: () => turn.settled(earlier.claimToken) } : turn,
              },
            );
  if (result.status === 'deferred') {
    const { unresolved } = result;
    await ledger.release(requestId, claimToken, {
      attempts: result.attempts,
      lastError: result.error,
      unresolved: unresolved && {
        startedAt: unresolved.startedAt,
        claimToken,
        ...(unresolved.answered ? { answeredAt: unresolved.endedAt, answeredStatus: unresolved.httpStatus } : {}),
      },
      now: now(),
    });
    const reason = result.reason ?? result.error.message;
    deps.log.info('order deferred to a later delivery', {
      requestId,
      attempt: result.attempts,
      correlationId: result.error.correlationId,
      error: result.error,
      reason,
      retryAt: result.retryAt,
    });
    deps.observe?.({ kind: 'deferred', requestId, attempt: result.attempts, reason });
    return { kind: 'retry', reason, requestId, retryAt: result.retryAt };
  }
  const completedAt = now();
  const outcome = outcomeOf(requestId, kindOf(order), claimed.createdAt, result, completedAt, {
    totals: spend && 'totals' in spend ? spend.totals : undefined,
    approval: claimed.approval,
    includeBillingAddress: deps.includeBillingAddress,
  });
  const found = foundSubscription(result.reconciled);
  // A renewal starts no subscription; a VM found by its hostname is as certain as an answer.
  const answered = order.kind === 'renewal' ? undefined : result.order?.subscription_id;
  const subscriptionId = order.kind === 'renewal' ? undefined : (answered ?? found);
  const byKey = result.reconciled?.result === 'found' && result.reconciled.key !== undefined;
  // Hostinger's answer, or the VM found by its hostname: either names this request's subscription for certain.
  const certain = answered ?? (byKey && order.kind !== 'renewal' ? found : undefined);
  if (certain) {
    // Recorded on the base table before the request's unsettled mark goes: a reconciliation that no longer
    // sees the mark (or sees it in a lagging index) reads who bought this subscription there, consistently.
    const recorded = await ledger.recordAnswer(certain, requestId, completedAt);
    if (!recorded) deps.log.error('reconciliation gave this subscription to another request; Hostinger answered it was this one', { requestId, subscriptionId });
  }
  await ledger.complete(
    requestId,
    claimToken,
    {
      outcome,
      ...(subscriptionId ? { subscriptionId, subscriptionSource: found && !byKey ? 'reconciliation' : 'answer' } : {}),
      // Found by its key, its subscription unnamed: it stays a rival for generic orders of its item.
      ...(byKey && !certain && order.kind !== 'renewal' && result.unresolved ? { keyedWindow: result.unresolved } : {}),
      // A pending payment may still complete, an unknown may still be decided: both are looked at again.
      ...(result.status === 'pending' || result.status === 'unknown' ? { followUp: startFollowUp(result.status, completedAt.getTime(), deps.followUp, result.unresolved) } : {}),
    },
    completedAt,
  );
  // Whichever delivery made the reservation (a request that tried before ends on a later one): settling a
  // request that holds none changes nothing. Recorded first: a failure here leaves the reservation counted
  // (the safe side) until it ages out.
  await deps.spendGuard?.settle(requestId, result.status, now()).catch((error: unknown) => {
    deps.log.error('could not settle the budget reservation', { requestId, status: result.status, error: error as Error });
  });
  await deps.keyed?.release(requestId, order, outcome.status, completedAt).catch((error: unknown) => {
    deps.log.error('could not free the purchase key; the next request for it is refused until it is freed', { requestId, error: error as Error });
  });
  return { kind: 'done', outcome, fresh: true, batchRun };
}

/** Parks a request until someone decides on it, and publishes order.awaiting_approval so an approver hears of it. */
async function parkForApproval(
  requestId: string,
  claimToken: string,
  requestedAt: string,
  owner: string | undefined,
  spend: Extract<SpendDecision, { kind: 'approval' }>,
  batchRun: PlanRunRef | undefined,
  deps: WorkerDependencies,
): Promise<MessageResult> {
  if (!deps.approvals || !deps.spendGuard) throw new Error('the spending policy asks for approvals but the worker has no approval ledger');
  const at = deps.now();
  const event = awaitingApproval({
    requestId,
    totals: spend.totals,
    reasons: spend.reasons,
    ...(owner ? { owner } : {}),
    expiresAt: new Date(at.getTime() + deps.spendGuard.policy.approval.expiryHours * 3_600_000).toISOString(),
    requestedAt,
    at: at.toISOString(),
  });
  await deps.approvals.park(requestId, claimToken, { event, ...(batchRun ? { batchRun } : {}) }, at);
  deps.log.info('order waits for approval', { requestId, reasons: spend.reasons });
  return { kind: 'done', outcome: event, fresh: true };
}

/**
 * Records the finished orders of scheduled runs, and returns the summaries of runs this batch completed.
 * Repeats (redeliveries) are harmless: an order's entry is keyed by its request id.
 */
async function completedRuns(results: (MessageResult | undefined)[], deps: WorkerDependencies): Promise<BatchCompleted[]> {
  const summaries = new Map<string, BatchCompleted>();
  await Promise.all(
    results.map(async (result) => {
      if (result?.kind !== 'done' || !result.batchRun || !isOrderOutcome(result.outcome)) return;
      const { run } = result.batchRun;
      const progress = await deps.ledger.recordRunEntry(run, result.outcome.requestId, runEntryOf(result.outcome));
      if (progress && !progress.summaryPublished && progress.entries.length >= progress.size) {
        summaries.set(run, summarizeRun(run, progress.size, progress.entries, deps.now()));
      }
    }),
  );
  return [...summaries.values()];
}

const retryOnError =
  (record: SQSRecord, log: Log) =>
  (error: unknown): MessageResult => {
    const requestId = requestIdOfRecord(record);
    log.error('order message failed; it will be delivered again', { messageId: record.messageId, requestId, error: error as Error });
    return { kind: 'retry', reason: error instanceof Error ? error.message : String(error), requestId };
  };

/**
 * Processes one SQS batch: messages concurrently, then every outcome in as few SNS PublishBatch calls as
 * possible. Written by hand rather than with Powertools' BatchProcessor because publishing is a second,
 * batched phase: a message counts as done only once its outcome is published, and a message that fails
 * (or whose outcome fails to publish) is reported alone, so no other message of the batch runs again.
 * Messages still running when the invocation nears its end are reported too, rather than letting the
 * whole batch time out.
 */
export async function processBatch(records: SQSRecord[], deadline: Deadline, deps: WorkerDependencies): Promise<SQSBatchResponse> {
  deps.metrics.batch(records.length);
  const settled = new Array<MessageResult | undefined>(records.length);
  const processing = mapConcurrently(records, deps.concurrency, async (record, index) => {
    settled[index] = await processRecord(record, deadline, deps).catch(retryOnError(record, deps.log));
  });
  let timer: NodeJS.Timeout | undefined;
  const cutoff = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline.remainingMs() - deps.submit.reserveMs / 2));
  });
  await Promise.race([processing, cutoff]);
  clearTimeout(timer);
  // What the batch decides on: a message still running goes on in the background and may finish while the
  // others are published; read later, its result would count as done and published, and it would be deleted
  // with its outcome never sent. (Array.from: a message not finished is undefined, not a hole.)
  const results = Array.from(settled);

  const done = results.flatMap((result) => (result?.kind === 'done' ? [result] : []));
  const outcomes = done.map((result) => result.outcome);
  const summaries = await completedRuns(results, deps).catch((error: unknown) => {
    // The run's entries are written again when its messages are redelivered: report them as failures.
    deps.log.error('could not record batch progress', { error: error as Error });
    return undefined;
  });
  const unpublished = outcomes.length > 0 || summaries?.length ? await deps.publish([...outcomes, ...(summaries ?? [])]) : new Set<string>();
  for (const summary of summaries ?? []) {
    if (!unpublished.has(summary.outcomeId)) await deps.ledger.markRunSummaryPublished(summary.run, deps.now()).catch(() => undefined);
  }
  for (const { outcome, fresh } of done) {
    const published = !unpublished.has(outcome.outcomeId);
    // Counted once per request: a repeat (redelivery, duplicate) publishes again but is not a new outcome.
    if (published && fresh && isOrderOutcome(outcome)) deps.metrics.outcome(outcome);
    deps.log.info(published ? 'order outcome published' : 'order outcome not published; message will be redelivered', {
      requestId: outcome.requestId,
      outcome: outcome.type,
      ...(isOrderOutcome(outcome) ? { attempt: outcome.attempts, correlationId: outcome.error?.correlationId } : {}),
    });
  }

  const failures: SQSBatchResponse['batchItemFailures'] = [];
  await Promise.all(
    records.map(async (record, index) => {
      const result = results[index];
      const summaryUnpublished = result?.kind === 'done' && result.batchRun !== undefined && (summaries === undefined || unpublished.has(runCompletedId(result.batchRun.run)));
      if (result?.kind === 'done' && !unpublished.has(result.outcome.outcomeId) && !summaryUnpublished) return;
      if (result?.kind === 'retry' && result.retryAt !== undefined && (await handBack(record, result.requestId ?? requestIdOfRecord(record), result.retryAt, deps))) return;
      failures.push({ itemIdentifier: record.messageId });
      if (result?.kind === 'retry' && result.retryAt !== undefined) await returnEarly(record, result.retryAt, deps);
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      const reason = !result ? 'still running when the invocation ended' : result.kind === 'retry' ? result.reason : 'its outcome could not be published';
      if (receiveCount >= deps.maxReceiveCount) {
        const requestId = result?.kind === 'done' ? result.outcome.requestId : (result?.requestId ?? requestIdOfRecord(record));
        await deps.ledger.recordDeliveryFailure(requestId, reason, receiveCount, deps.now()).catch((error: unknown) => {
          deps.log.error('could not record why the message goes to the dead-letter queue', { requestId, error: error as Error });
        });
      }
    }),
  );
  return { batchItemFailures: failures };
}
