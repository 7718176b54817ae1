import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import type { Purchase } from '../../lib/order/kinds/purchase.ts';
import type { PendingPayment } from '../../lib/reconciliation/pending-payment.ts';
import type { ReconcileVerdict } from '../../lib/reconciliation/verdict.ts';
import { STALE_MARK_MS, type SubmitDependencies, type SubmitProgress, type SubmitState, submitOrder } from '../../lib/worker/submit-order.ts';

const order = { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] };
const completed = { id: 1, status: 'completed' as const };
const error500: AttemptResult = { kind: 'retryable', error: { httpStatus: 500, message: 'boom' } };
const lost: AttemptResult = { kind: 'ambiguous', error: { code: 'ETIMEDOUT', message: 'lost' } };
const plenty = { remainingMs: () => 60_000 };
const subscription = { id: 'sub-1', created_at: '2026-11-27T10:00:00Z' };

function setup(results: AttemptResult[], options: { verdicts?: ReconcileVerdict[]; deps?: Partial<SubmitDependencies>; pending?: PendingPayment; purchase?: Purchase } = {}) {
  const placeOrder = vi.fn(async (_order: unknown, _token: string): Promise<AttemptResult> => results.shift() ?? { kind: 'succeeded', order: completed });
  const token = vi.fn(async ({ fresh = false } = {}) => (fresh ? 'fresh-token' : 'cached-token'));
  const sleep = vi.fn(async () => undefined);
  const verdicts = options.verdicts ?? [];
  const reconcile = vi.fn(async (): Promise<ReconcileVerdict> => verdicts.shift() ?? { result: 'absent' });
  const startAttempt = vi.fn(async () => undefined);
  const pendingPayment = vi.fn(async (): Promise<PendingPayment> => options.pending ?? { result: 'settled' });
  const deps: SubmitDependencies = {
    placeOrder,
    token,
    sleep,
    policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    timeoutMs: 1000,
    reserveMs: 500,
    retryAmbiguous: false,
    random: () => 0.5,
    now: () => 1_000,
    ...options.deps,
  };
  const progress = vi.fn((_event: SubmitProgress) => undefined);
  const run = (state: SubmitState = { attemptsSoFar: 0 }, deadline = plenty) =>
    submitOrder(options.purchase ?? order, state, deadline, deps, { startAttempt, reconcile, pendingPayment, progress });
  return { run, placeOrder, token, sleep, reconcile, startAttempt, progress, pendingPayment };
}

describe('submitOrder: retries', () => {
  it('retries 500s with backoff, looking for an order before each retry, and succeeds', async () => {
    const { run, sleep, reconcile, startAttempt } = setup([error500, error500]);
    await expect(run()).resolves.toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(sleep.mock.calls).toEqual([[50], [100]]);
    expect(reconcile).toHaveBeenCalledTimes(2);
    expect(reconcile).toHaveBeenCalledWith({ startedAt: 1000, endedAt: 1000, answered: true, httpStatus: 500 });
    // The claim marked the first attempt; each retry is marked before it starts.
    expect(startAttempt.mock.calls).toEqual([
      [1, { httpStatus: 500, message: 'boom' }],
      [2, { httpStatus: 500, message: 'boom' }],
    ]);
  });

  it('tells each check and each retry as it happens: the attempt, the cause and the wait', async () => {
    const { run, progress } = setup([error500, { kind: 'unauthorized', error: { httpStatus: 401, message: 'Unauthenticated' } }]);
    await run();
    expect(progress.mock.calls.map(([event]) => event)).toEqual([
      { kind: 'reconciled', attempt: 1, verdict: { result: 'absent' } },
      { kind: 'retry', attempt: 2, cause: '500', delayMs: 50 },
      { kind: 'retry', attempt: 3, cause: '401', delayMs: 0 },
    ]);
  });

  it('tells no retry when none follows: the budget is spent, or the answer was final', async () => {
    const spent = setup([error500], { deps: { policy: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1000 } } });
    await spent.run();
    expect(spent.progress.mock.calls.map(([event]) => event.kind)).toEqual(['reconciled']);
    const final = setup([{ kind: 'rejected', error: { httpStatus: 422, message: 'bad' } }]);
    await final.run();
    expect(final.progress).not.toHaveBeenCalled();
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { run, placeOrder } = setup([error500, error500, error500, error500]);
    await expect(run()).resolves.toMatchObject({ status: 'failed', attempts: 3, error: { httpStatus: 500 } });
    expect(placeOrder).toHaveBeenCalledTimes(3);
  });

  it('counts attempts made by earlier deliveries against the budget', async () => {
    const { run, placeOrder } = setup([error500]);
    await expect(run({ attemptsSoFar: 2 })).resolves.toMatchObject({ status: 'failed', attempts: 3 });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('never retries a 422', async () => {
    const { run, placeOrder } = setup([{ kind: 'rejected', error: { httpStatus: 422, message: 'bad' } }]);
    await expect(run()).resolves.toMatchObject({ status: 'rejected', attempts: 1 });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('retries a 429 after Retry-After without looking for an order', async () => {
    const { run, sleep, reconcile } = setup([{ kind: 'retryable', error: { httpStatus: 429, message: 'slow' }, retryAfterMs: 2000 }]);
    await expect(run()).resolves.toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(sleep).toHaveBeenCalledWith(2000);
    expect(reconcile).not.toHaveBeenCalled();
  });

  it('after a 401 reads the token afresh and tries once more, even on the last attempt', async () => {
    const { run, placeOrder, token } = setup([{ kind: 'unauthorized', error: { httpStatus: 401, message: 'Unauthenticated' } }], {
      deps: { policy: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1000 } },
    });
    await expect(run()).resolves.toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(token.mock.calls.map(([options]) => options)).toEqual([{ fresh: false }, { fresh: true }]);
    expect(placeOrder.mock.calls.map(([, used]) => used)).toEqual(['cached-token', 'fresh-token']);
  });

  it('a second 401 fails', async () => {
    const unauthorized: AttemptResult = { kind: 'unauthorized', error: { httpStatus: 401, message: 'Unauthenticated' } };
    const { run } = setup([unauthorized, unauthorized]);
    await expect(run()).resolves.toMatchObject({ status: 'failed', attempts: 2, error: { httpStatus: 401 } });
  });
});

describe('submitOrder: a fleet-wide pause after 429s', () => {
  it('a 429 pauses every worker for the Retry-After, and attempts wait for a pause another worker set', async () => {
    let pausedUntil = 0;
    const throttle = { pausedUntil: async () => pausedUntil, pause: vi.fn(async (until: number) => void (pausedUntil = until)) };
    const limited = setup([{ kind: 'retryable', error: { httpStatus: 429, message: 'slow' }, retryAfterMs: 3000 }], { deps: { throttle } });
    await limited.run();
    expect(throttle.pause).toHaveBeenCalledWith(1000 + 3000);

    const other = setup([], { deps: { throttle } });
    await expect(other.run()).resolves.toMatchObject({ status: 'succeeded' });
    expect(other.sleep).toHaveBeenCalledWith(3000);
    // After waiting, the attempt is marked again with its real start, for reconciliation.
    expect(other.startAttempt).toHaveBeenCalledWith(0, undefined);
  });

  it("marks the first attempt again when the claim's mark is stale by the time of the call, and not when it is fresh", async () => {
    const fresh = setup([]);
    await fresh.run({ attemptsSoFar: 0, markedAt: 1_000 - STALE_MARK_MS });
    expect(fresh.startAttempt).not.toHaveBeenCalled();
    // Time went by between the claim and the call (spending checks, retried ledger writes): the mark says when the call really started.
    const stale = setup([]);
    await stale.run({ attemptsSoFar: 0, markedAt: 1_000 - STALE_MARK_MS - 1 });
    expect(stale.startAttempt).toHaveBeenCalledWith(0, undefined);
  });

  it('a pause longer than the time left defers instead of waiting', async () => {
    const throttle = { pausedUntil: async () => 1000 + 30_000, pause: async () => undefined };
    const { run, placeOrder } = setup([], { deps: { throttle } });
    await expect(run({ attemptsSoFar: 0 }, { remainingMs: () => 10_000 })).resolves.toMatchObject({ status: 'deferred' });
    expect(placeOrder).not.toHaveBeenCalled();
  });
});

describe('submitOrder: deadlines', () => {
  it('defers instead of sleeping past the deadline', async () => {
    const { run, sleep } = setup([{ kind: 'retryable', error: { httpStatus: 429, message: 'slow down' }, retryAfterMs: 30_000 }]);
    const result = await run({ attemptsSoFar: 0 }, { remainingMs: () => 10_000 });
    expect(result).toMatchObject({ status: 'deferred', attempts: 1, error: { httpStatus: 429 } });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('starts no attempt that could not finish in time', async () => {
    const { run, placeOrder } = setup([]);
    await expect(run({ attemptsSoFar: 0 }, { remainingMs: () => 1200 })).resolves.toMatchObject({ status: 'deferred', attempts: 0 });
    expect(placeOrder).not.toHaveBeenCalled();
  });

  it('defers when the token cannot be read, without an attempt', async () => {
    const { run, placeOrder } = setup([], { deps: { token: async () => Promise.reject(new Error('secrets manager down')) } });
    await expect(run()).resolves.toMatchObject({ status: 'deferred', attempts: 0 });
    expect(placeOrder).not.toHaveBeenCalled();
  });
});

describe('submitOrder: attempts with an unknown effect', () => {
  it('a 500 after which the order shows up in the subscriptions is a success, not a retry', async () => {
    const { run, placeOrder } = setup([error500], { verdicts: [{ result: 'found', subscription }] });
    await expect(run()).resolves.toMatchObject({ status: 'succeeded', attempts: 1, reconciled: { result: 'found', subscription } });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('a 500 with an inconclusive check ends unknown rather than risk a second purchase', async () => {
    const { run, placeOrder } = setup([error500], { verdicts: [{ result: 'inconclusive', candidates: 2 }] });
    const result = await run();
    expect(result).toMatchObject({ status: 'unknown', attempts: 1, reconciled: { result: 'inconclusive' } });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('a lost answer is never repeated by default: found means succeeded, absent means unknown', async () => {
    const found = setup([lost], { verdicts: [{ result: 'found', subscription }] });
    await expect(found.run()).resolves.toMatchObject({ status: 'succeeded', reconciled: { result: 'found' } });
    const absent = setup([lost]);
    await expect(absent.run()).resolves.toMatchObject({ status: 'unknown', attempts: 1, error: { code: 'ETIMEDOUT' }, reconciled: { result: 'absent' } });
    expect(absent.reconcile).toHaveBeenCalledWith({ startedAt: 1000, endedAt: 1000, answered: false });
    expect(absent.placeOrder).toHaveBeenCalledTimes(1);
  });

  it('with retryAmbiguous, a lost answer with no order found is tried again', async () => {
    const { run, placeOrder } = setup([lost], { deps: { retryAmbiguous: true } });
    await expect(run()).resolves.toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(placeOrder).toHaveBeenCalledTimes(2);
  });

  it('with retryAmbiguous, a VPS, domain or renewal whose lost answer its key does not show is not tried again: it may have been a 202', async () => {
    const purchase: Purchase = { kind: 'vps', item_id: 'hostingercom-vps-kvm1-usd-1m', setup: { template_id: 1130, data_center_id: 17, hostname: 'a.example.tld' } };
    const { run, placeOrder } = setup([lost], { deps: { retryAmbiguous: true }, purchase });
    await expect(run()).resolves.toMatchObject({ status: 'unknown', attempts: 1, reconciled: { result: 'absent' } });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('settles an attempt left unknown by an earlier delivery before anything else', async () => {
    const earlier = { startedAt: 10, endedAt: 20, answered: false };
    const { run, placeOrder, reconcile } = setup([], { verdicts: [{ result: 'found', subscription }] });
    await expect(run({ attemptsSoFar: 0, unresolved: earlier })).resolves.toMatchObject({ status: 'succeeded', attempts: 0 });
    expect(reconcile).toHaveBeenCalledWith(earlier);
    expect(placeOrder).not.toHaveBeenCalled();
  });

  it('an earlier 5xx with no order found is retried, marked in flight first', async () => {
    const earlier = { startedAt: 10, endedAt: 20, answered: true };
    const { run, startAttempt } = setup([]);
    await expect(run({ attemptsSoFar: 1, unresolved: earlier, lastError: { httpStatus: 500, message: 'boom' } })).resolves.toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(startAttempt).toHaveBeenCalledWith(1, { httpStatus: 500, message: 'boom' });
  });

  it('when the subscriptions cannot be read at all, a 5xx is still retried and a lost answer ends unknown', async () => {
    const retried = setup([error500], { verdicts: [{ result: 'unavailable', reason: 'GET /api/billing/v1/subscriptions answered HTTP 404' }] });
    await expect(retried.run()).resolves.toMatchObject({ status: 'succeeded', attempts: 2 });
    const lostOne = setup([lost], { verdicts: [{ result: 'unavailable', reason: 'GET /api/billing/v1/subscriptions answered HTTP 404' }] });
    const result = await lostOne.run();
    expect(result).toMatchObject({ status: 'unknown', attempts: 1, reconciled: { result: 'unavailable' } });
    expect(result.error?.message).toMatch(/could not be checked|404/);
    expect(lostOne.placeOrder).toHaveBeenCalledTimes(1);
  });

  it('when the check cannot run now, defers and keeps the attempt unresolved', async () => {
    const { run } = setup([error500], { verdicts: [{ result: 'deferred', reason: 'no time' }] });
    // The stored error stays the attempt's own: the reason is logged, not appended at every delivery.
    await expect(run()).resolves.toMatchObject({ status: 'deferred', attempts: 1, unresolved: { answered: true }, error: { message: 'boom' }, reason: 'no time' });
  });
});

describe('submitOrder: a 5xx on a payment method that can leave the order awaiting payment', () => {
  const mayBePending: PendingPayment = {
    result: 'mayBePending',
    reason: 'an order awaiting payment on payment method 1327362 (card) may exist: check hPanel > Billing > Orders before ordering again',
  };

  it('no subscription is no evidence: ends unknown with what to check, never a second order', async () => {
    const { run, placeOrder } = setup([error500], { pending: mayBePending });
    const result = await run();
    expect(result).toMatchObject({ status: 'unknown', attempts: 1, error: { httpStatus: 500 }, reconciled: { result: 'absent' } });
    expect(result.error?.message).toContain('check hPanel > Billing > Orders before ordering again');
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('the same when the account has no subscriptions list to look in', async () => {
    const { run, placeOrder } = setup([error500], { pending: mayBePending, verdicts: [{ result: 'unavailable', reason: 'no list' }] });
    await expect(run()).resolves.toMatchObject({ status: 'unknown', reconciled: { result: 'unavailable' } });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('found is still a success, whatever the method', async () => {
    const { run, pendingPayment } = setup([error500], { pending: mayBePending, verdicts: [{ result: 'found', subscription }] });
    await expect(run()).resolves.toMatchObject({ status: 'succeeded' });
    expect(pendingPayment).not.toHaveBeenCalled();
  });

  it('a method that cannot be left pending is retried, as the seed asks', async () => {
    const { run, placeOrder } = setup([error500], { pending: { result: 'settled' } });
    await expect(run()).resolves.toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(placeOrder).toHaveBeenCalledTimes(2);
  });

  it('when the payment methods cannot be read now, defers with the attempt kept unresolved', async () => {
    const { run, placeOrder } = setup([error500], { pending: { result: 'deferred', reason: 'payment methods unreadable' } });
    await expect(run()).resolves.toMatchObject({ status: 'deferred', unresolved: { answered: true, httpStatus: 500 }, reason: 'payment methods unreadable' });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('with retryAmbiguous, a lost answer is retried only on a method that cannot be left pending', async () => {
    const pending = setup([lost], { pending: mayBePending, deps: { retryAmbiguous: true } });
    await expect(pending.run()).resolves.toMatchObject({ status: 'unknown', attempts: 1 });
    const settled = setup([lost], { deps: { retryAmbiguous: true } });
    await expect(settled.run()).resolves.toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('after the last attempt, a 5xx with nothing found ends unknown rather than failed: the order may be waiting', async () => {
    const { run } = setup([error500, error500, error500], { pending: mayBePending, verdicts: [] });
    await expect(run({ attemptsSoFar: 2 })).resolves.toMatchObject({ status: 'unknown', attempts: 3 });
  });
});
