import type { OrderRequest } from './order-request.ts';
import type { OrderResource } from './hostinger/order-resource.ts';
import type { OrderError } from './hostinger/classify-attempt.ts';
import type { PlaceOrder } from './hostinger/order-client.ts';
import { attemptFits, delayBeforeRetry, type Deadline, type RetryPolicy } from './retry-policy.ts';
import type { TokenSource } from './token-source.ts';

export type TerminalStatus = 'succeeded' | 'pending' | 'rejected' | 'failed' | 'unknown';

/** Where a submission ended: a terminal status, or `deferred` back to the queue for a later delivery. */
export type SubmissionResult =
  | { status: TerminalStatus; attempts: number; order?: OrderResource; error?: OrderError }
  | { status: 'deferred'; attempts: number; error: OrderError };

export interface SubmitDependencies {
  placeOrder: PlaceOrder;
  token: TokenSource;
  policy: RetryPolicy;
  /** Hostinger request timeout: an attempt is started only if this much time is left (plus `reserveMs`). */
  timeoutMs: number;
  reserveMs: number;
  sleep: (ms: number) => Promise<void>;
  random?: () => number;
  /** Called before attempts after the first of this invocation, so the ledger shows them as they happen. */
  beforeRetry?: (attempt: number, lastError: OrderError) => Promise<void>;
}

/**
 * Submits an order, retrying what is safe to retry. `attemptsSoFar` counts attempts made by earlier
 * deliveries, so the attempt budget holds across redeliveries.
 */
export async function submitOrder(order: OrderRequest, attemptsSoFar: number, deadline: Deadline, deps: SubmitDependencies): Promise<SubmissionResult> {
  let attempts = attemptsSoFar;
  let delayMs = 0;
  let tokenRefreshed = false;
  let freshToken = false;
  let lastError: OrderError | undefined;

  for (;;) {
    // The one extra try after a 401 does not come out of the retry budget.
    if (lastError && attempts >= deps.policy.maxAttempts + (tokenRefreshed ? 1 : 0)) {
      return { status: 'failed', attempts, error: { ...lastError, message: `gave up after ${attempts} attempts: ${lastError.message}` } };
    }
    if (!attemptFits(deadline, delayMs, deps.timeoutMs, deps.reserveMs)) {
      return { status: 'deferred', attempts, error: lastError ?? { message: 'not enough time left in this invocation to start an attempt' } };
    }
    if (delayMs > 0) await deps.sleep(delayMs);
    let token: string;
    try {
      token = await deps.token({ fresh: freshToken });
    } catch (error) {
      // No attempt was made: the message goes back to the queue and is tried again later.
      return { status: 'deferred', attempts, error: { message: error instanceof Error ? error.message : 'token unavailable' } };
    }
    freshToken = false;
    if (lastError && deps.beforeRetry) await deps.beforeRetry(attempts + 1, lastError);
    attempts += 1;
    const result = await deps.placeOrder(order, token);
    switch (result.kind) {
      case 'succeeded':
        return { status: 'succeeded', attempts, order: result.order };
      case 'pending':
        return { status: 'pending', attempts, order: result.order };
      case 'failed':
        return { status: 'failed', attempts, order: result.order, error: result.error };
      case 'rejected':
        return { status: 'rejected', attempts, error: result.error };
      case 'ambiguous':
        return { status: 'unknown', attempts, error: result.error };
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
        break;
    }
  }
}
