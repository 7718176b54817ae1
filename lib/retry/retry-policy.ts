/** How often and how patiently a retryable Hostinger failure is tried again. */
export interface RetryPolicy {
  /** Attempts in all, across redeliveries of the message; the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Capped exponential backoff with full jitter: a random delay in [0, min(max, base * 2^(n-1))). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** The wait before the next attempt: the server's Retry-After when it gave one, else backoff. */
export function delayBeforeRetry(attempt: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  return retryAfterMs ?? backoffDelay(attempt, policy, random);
}

/** Time left in this invocation, and whether something of a given length still fits in it. */
export interface Deadline {
  remainingMs(): number;
}

/**
 * An attempt may start only if waiting for it and its whole timeout still leave `reserveMs` to record and
 * publish the result: otherwise the message goes back to the queue rather than being cut off mid-call.
 */
export function attemptFits(deadline: Deadline, delayMs: number, timeoutMs: number, reserveMs: number): boolean {
  return deadline.remainingMs() - delayMs >= timeoutMs + reserveMs;
}
