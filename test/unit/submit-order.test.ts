import { describe, expect, it, vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/classify-attempt.ts';
import { submitOrder, type SubmitDependencies } from '../../lib/submit-order.ts';

const order = { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] };
const completed = { id: 1, status: 'completed' as const };
const error500: AttemptResult = { kind: 'retryable', error: { httpStatus: 500, message: 'boom' } };
const plenty = { remainingMs: () => 60_000 };

function deps(results: AttemptResult[], overrides: Partial<SubmitDependencies> = {}) {
  const placeOrder = vi.fn(async (_order: unknown, _token: string): Promise<AttemptResult> => results.shift() ?? { kind: 'succeeded', order: completed });
  const token = vi.fn(async ({ fresh = false } = {}) => (fresh ? 'fresh-token' : 'cached-token'));
  const sleep = vi.fn(async () => undefined);
  return {
    placeOrder,
    token,
    sleep,
    deps: { placeOrder, token, sleep, policy: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }, timeoutMs: 1000, reserveMs: 500, random: () => 0.5, ...overrides },
  };
}

describe('submitOrder', () => {
  it('retries 500s with backoff and succeeds, counting every attempt', async () => {
    const { deps: d, sleep } = deps([error500, error500]);
    await expect(submitOrder(order, 0, plenty, d)).resolves.toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(sleep.mock.calls).toEqual([[50], [100]]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { deps: d, placeOrder } = deps([error500, error500, error500, error500]);
    const result = await submitOrder(order, 0, plenty, d);
    expect(result).toMatchObject({ status: 'failed', attempts: 3, error: { httpStatus: 500 } });
    expect(placeOrder).toHaveBeenCalledTimes(3);
  });

  it('counts attempts made by earlier deliveries against the budget', async () => {
    const { deps: d, placeOrder } = deps([error500]);
    await expect(submitOrder(order, 2, plenty, d)).resolves.toMatchObject({ status: 'failed', attempts: 3 });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('never retries a 422', async () => {
    const { deps: d, placeOrder } = deps([{ kind: 'rejected', error: { httpStatus: 422, message: 'bad' } }]);
    await expect(submitOrder(order, 0, plenty, d)).resolves.toMatchObject({ status: 'rejected', attempts: 1 });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('never repeats an ambiguous attempt: it ends unknown', async () => {
    const { deps: d, placeOrder } = deps([{ kind: 'ambiguous', error: { code: 'ETIMEDOUT', message: 'lost' } }]);
    await expect(submitOrder(order, 0, plenty, d)).resolves.toMatchObject({ status: 'unknown', attempts: 1 });
    expect(placeOrder).toHaveBeenCalledTimes(1);
  });

  it('after a 401 reads the token afresh and tries once more, even on the last attempt', async () => {
    const { deps: d, placeOrder, token } = deps([{ kind: 'unauthorized', error: { httpStatus: 401, message: 'Unauthenticated' } }], {
      policy: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 1000 },
    });
    await expect(submitOrder(order, 0, plenty, d)).resolves.toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(token.mock.calls.map(([options]) => options)).toEqual([{ fresh: false }, { fresh: true }]);
    expect(placeOrder.mock.calls.map(([, used]) => used)).toEqual(['cached-token', 'fresh-token']);
  });

  it('a second 401 fails', async () => {
    const unauthorized: AttemptResult = { kind: 'unauthorized', error: { httpStatus: 401, message: 'Unauthenticated' } };
    const { deps: d } = deps([unauthorized, unauthorized]);
    await expect(submitOrder(order, 0, plenty, d)).resolves.toMatchObject({ status: 'failed', attempts: 2, error: { httpStatus: 401 } });
  });

  it('defers instead of sleeping past the deadline', async () => {
    const { deps: d, sleep } = deps([{ kind: 'retryable', error: { httpStatus: 429, message: 'slow down' }, retryAfterMs: 30_000 }]);
    const result = await submitOrder(order, 0, { remainingMs: () => 10_000 }, d);
    expect(result).toMatchObject({ status: 'deferred', attempts: 1, error: { httpStatus: 429 } });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('starts no attempt that could not finish in time', async () => {
    const { deps: d, placeOrder } = deps([]);
    await expect(submitOrder(order, 0, { remainingMs: () => 1200 }, d)).resolves.toMatchObject({ status: 'deferred', attempts: 0 });
    expect(placeOrder).not.toHaveBeenCalled();
  });

  it('defers when the token cannot be read, without an attempt', async () => {
    const { deps: d, placeOrder } = deps([], { token: async () => Promise.reject(new Error('secrets manager down')) });
    await expect(submitOrder(order, 0, plenty, d)).resolves.toMatchObject({ status: 'deferred', attempts: 0 });
    expect(placeOrder).not.toHaveBeenCalled();
  });

  it('tells the ledger before each retry', async () => {
    const beforeRetry = vi.fn(async () => undefined);
    const { deps: d } = deps([error500], { beforeRetry });
    await submitOrder(order, 0, plenty, d);
    expect(beforeRetry).toHaveBeenCalledWith(2, { httpStatus: 500, message: 'boom' });
  });
});
