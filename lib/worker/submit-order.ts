import type { OrderResource } from '../hostinger/order-resource.ts';
import type { AttemptContext, PurchaseAttempt } from '../hostinger/place-order.ts';
import type { TokenSource } from '../hostinger/token-source.ts';
import type { PurchaseEffect } from '../order/kinds/bought.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import { errorCause, type OrderError } from '../order/order-error.ts';
import type { PendingPayment } from '../reconciliation/pending-payment.ts';
import { type AttemptWindow, keyMissesLostAnswer, type ReconcileVerdict } from '../reconciliation/verdict.ts';
import { attemptFits, type Deadline, delayBeforeRetry, type RetryPolicy } from '../retry/retry-policy.ts';
import type { ThrottleGate } from '../retry/throttle-gate.ts';
import type { AttemptTurn } from './attempt-turn.ts';

export type TerminalStatus = 'succeeded' | 'pending' | 'rejected' | 'failed' | 'unknown';

/** How an unknown attempt was settled, when one had to be. */
export type Reconciled = Exclude<ReconcileVerdict, { result: 'deferred' }>;

/**
 * Where a submission ended: a terminal status, or `deferred` back to the queue for a later delivery,
 * carrying the attempt whose effect is still unknown, if there is one.
 */
export type SubmissionResult =
  | { status: TerminalStatus; attempts: number; order?: OrderResource; error?: OrderError; reconciled?: Reconciled; unresolved?: AttemptWindow; effect?: PurchaseEffect }
  | { status: 'deferred'; attempts: number; error: OrderError; unresolved?: AttemptWindow; reason?: string; retryAt?: number };

export interface SubmitDependencies {
  /** One attempt of a purchase of any kind; the worker gives the request's context (a VPS's derived hostname needs its id). */
  placeOrder(order: Purchase, token: string, context?: AttemptContext): Promise<PurchaseAttempt>;
  token: TokenSource;
  policy: RetryPolicy;
  /** Hostinger request timeout: an attempt is started only if this much time is left (plus `reserveMs`). */
  timeoutMs: number;
  reserveMs: number;
  /** Retry a generic order's attempt whose answer was lost when reconciliation finds no order. Off by default: it may buy twice. */
  retryAmbiguous: boolean;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random?: () => number;
  /** A pause shared with every other worker after a 429. */
  throttle?: ThrottleGate;
}

/** Per-request hooks into the ledger and reconciliation, supplied by the worker. */
export interface SubmitHooks {
  /** Marks an attempt as in flight, with its start time, before it starts (the claim marks a delivery's first, unless it waits). */
  startAttempt: (attemptsAnswered: number, lastError: OrderError | undefined) => Promise<void>;
  /** Looks for an order an unknown attempt may have created. */
  reconcile: (window: AttemptWindow) => Promise<ReconcileVerdict>;
  /** Notes that an attempt ended without a usable answer (lost, or a 5xx), before it is reconciled. */
  attemptEnded?: (window: AttemptWindow) => Promise<void>;
  /** Told what happens between attempts, as it happens: for logs and for watching a request work. */
  progress?: (event: SubmitProgress) => void;
  /** Whether an order this attempt made could be waiting for payment, with no subscription to show it. */
  pendingPayment: () => Promise<PendingPayment>;
  /** The request's place in line for its item, when attempts on it take turns (careful mode). */
  turn?: AttemptTurn;
}

/**
 * Between attempts: an attempt about to be retried (its number, the previous one's cause, the wait before it),
 * or an unknown attempt checked against the account.
 */
export type SubmitProgress = { kind: 'retry'; attempt: number; cause: string; delayMs: number } | { kind: 'reconciled'; attempt: number; verdict: ReconcileVerdict };

export interface SubmitState {
  /** Attempts answered in earlier deliveries: the attempt budget holds across redeliveries. */
  attemptsSoFar: number;
  /** An earlier attempt whose effect is unknown: it is settled before anything else is tried. */
  unresolved?: AttemptWindow;
  lastError?: OrderError;
  /** Settle `unresolved` and make no new attempt: if it bought nothing, the request goes back (`deferred`, nothing unsettled). */
  settleOnly?: boolean;
  /** When the claim marked this delivery's first attempt (epoch ms); absent: now. */
  markedAt?: number;
}

/**
 * A mark older than this when the call starts is written again: reconciliation looks for rivals by when
 * their attempt started, and work between the claim and the call (the spending checks, a slow ledger write
 * retried by the SDK) must not make an attempt look older than it is.
 */
export const STALE_MARK_MS = 250;

const lostAttemptError: OrderError = { message: 'an earlier attempt was interrupted before its answer was recorded' };

/** Submits an order, retrying only what is safe to retry and settling unknown attempts first. */
export async function submitOrder(order: Purchase, state: SubmitState, deadline: Deadline, deps: SubmitDependencies, hooks: SubmitHooks): Promise<SubmissionResult> {
  let attempts = state.attemptsSoFar;
  let unresolved = state.unresolved;
  let lastError = state.lastError ?? (unresolved ? lostAttemptError : undefined);
  // The claim marked this delivery's first attempt as in flight, unless an earlier one still was.
  let marked = unresolved === undefined;
  let delayMs = 0;
  let tokenRefreshed = false;
  let freshToken = false;

  for (;;) {
    if (unresolved) {
      const verdict = await hooks.reconcile(unresolved);
      hooks.progress?.({ kind: 'reconciled', attempt: attempts, verdict });
      // Settled either way: it can no longer be confused with the next attempt on its item.
      if (verdict.result === 'found' || verdict.result === 'absent') await hooks.turn?.settled();
      // The reason goes to the log, not into the stored error, which a later delivery would extend again.
      if (verdict.result === 'deferred')
        return { status: 'deferred', attempts, error: lastError ?? lostAttemptError, unresolved, reason: verdict.reason, retryAt: verdict.retryAt };
      if (verdict.result === 'found') return { status: 'succeeded', attempts, reconciled: verdict, unresolved };
      const error = lastError ?? lostAttemptError;
      if (verdict.result === 'inconclusive') {
        return {
          status: 'unknown',
          attempts,
          error: {
            ...error,
            message: `${error.message}; ${verdict.reason ?? `${verdict.candidates} subscription(s) made meanwhile could be this order's`}: check them in the Hostinger panel`,
          },
          reconciled: verdict,
          unresolved,
        };
      }
      // No subscription shows an order (or there is no list to look in). A lost answer is not retried unless asked.
      if (!unresolved.answered && verdict.result === 'unavailable') {
        return {
          status: 'unknown',
          attempts,
          error: { ...error, message: `${error.message}; ${verdict.reason}: check the Hostinger panel before ordering again` },
          reconciled: verdict,
          unresolved,
        };
      }
      // Settled by a key, absent is certain: trying again cannot buy twice. retryAmbiguous never applies where
      // the key cannot see what a lost answer bought.
      const retryLost = deps.retryAmbiguous && !keyMissesLostAnswer(order, unresolved);
      if (!unresolved.answered && !retryLost && !(verdict.result === 'absent' && verdict.definitive)) {
        return {
          status: 'unknown',
          attempts,
          error: { ...error, message: `${error.message}; no matching subscription was found, but the order may still exist: check the Hostinger panel before ordering again` },
          reconciled: verdict,
          unresolved,
        };
      }
      // An order awaiting payment has no subscription yet: its absence counts only for a method that settles at once.
      const payment = await hooks.pendingPayment();
      if (payment.result === 'deferred') return { status: 'deferred', attempts, error, unresolved, reason: payment.reason };
      if (payment.result === 'mayBePending') {
        const looked = verdict.result === 'absent' ? 'no matching subscription was found' : verdict.reason;
        return { status: 'unknown', attempts, error: { ...error, message: `${error.message}; ${looked}, but ${payment.reason}` }, reconciled: verdict, unresolved };
      }
      unresolved = undefined;
      marked = false;
      if (state.settleOnly) return { status: 'deferred', attempts, error, reason: 'the earlier attempt bought nothing; the spending policy decides again', retryAt: deps.now() };
    }
    // The one extra try after a 401 does not come out of the retry budget.
    if (lastError && attempts >= deps.policy.maxAttempts + (tokenRefreshed ? 1 : 0)) {
      return { status: 'failed', attempts, error: { ...lastError, message: `gave up after ${attempts} attempts: ${lastError.message}` } };
    }
    const pausedUntil = (await deps.throttle?.pausedUntil()) ?? 0;
    delayMs = Math.max(delayMs, pausedUntil - deps.now());
    if (!attemptFits(deadline, delayMs, deps.timeoutMs, deps.reserveMs)) {
      return { status: 'deferred', attempts, error: lastError ?? { message: 'not enough time left in this invocation to start an attempt' } };
    }
    if (lastError) hooks.progress?.({ kind: 'retry', attempt: attempts + 1, cause: errorCause(lastError), delayMs });
    if (delayMs > 0) {
      await deps.sleep(delayMs);
      // The claim's mark is stale after a wait: reconciliation must know when the attempt really started.
      marked = false;
    }
    let token: string;
    try {
      token = await deps.token({ fresh: freshToken });
    } catch (error) {
      // No attempt was made: the message goes back to the queue and is tried again later.
      return { status: 'deferred', attempts, error: { message: error instanceof Error ? error.message : 'token unavailable' } };
    }
    freshToken = false;
    const turn = await hooks.turn?.begin(deadline);
    if (turn && !turn.go) return { status: 'deferred', attempts, error: lastError ?? { message: turn.reason }, reason: turn.reason, retryAt: turn.retryAt };
    // A wait for the turn makes the claim's mark stale, as any wait does.
    if (turn?.waited) marked = false;
    if (marked && state.markedAt !== undefined && deps.now() - state.markedAt > STALE_MARK_MS) marked = false;
    if (!marked) await hooks.startAttempt(attempts, lastError);
    marked = false;
    const startedAt = deps.now();
    const result = await deps.placeOrder(order, token);
    attempts += 1;
    // A lost answer, or a 5xx (which may come after the order was made): only a look at the account can tell.
    const ambiguous = result.kind === 'ambiguous' || (result.kind === 'retryable' && (result.error.httpStatus ?? 0) >= 500);
    if (!ambiguous) await hooks.turn?.answered();
    switch (result.kind) {
      case 'succeeded':
        return { status: 'succeeded', attempts, order: result.order, effect: result.effect };
      case 'pending':
        return { status: 'pending', attempts, order: result.order, effect: result.effect };
      case 'failed':
        return { status: 'failed', attempts, order: result.order, error: result.error };
      case 'rejected':
        return { status: 'rejected', attempts, error: result.error };
      case 'ambiguous':
        lastError = result.error;
        unresolved = { startedAt, endedAt: deps.now(), answered: false };
        await Promise.all([hooks.attemptEnded?.(unresolved), hooks.turn?.ambiguous(unresolved)]);
        break;
      case 'unauthorized':
        if (tokenRefreshed) return { status: 'failed', attempts, error: result.error };
        // A rotated token: read the secret again and try once more, whatever the attempt budget says.
        tokenRefreshed = true;
        freshToken = true;
        lastError = result.error;
        delayMs = 0;
        break;
      case 'retryable':
        lastError = result.error;
        delayMs = delayBeforeRetry(attempts, deps.policy, result.retryAfterMs, deps.random);
        if (result.error.httpStatus === 429) await deps.throttle?.pause(deps.now() + delayMs);
        // A 5xx: look before trying again.
        if (ambiguous) {
          unresolved = { startedAt, endedAt: deps.now(), answered: true, httpStatus: result.error.httpStatus };
          await Promise.all([hooks.attemptEnded?.(unresolved), hooks.turn?.ambiguous(unresolved)]);
        }
        break;
    }
  }
}
