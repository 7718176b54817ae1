import { describe, expect, it } from 'vitest';
import { attemptFits, backoffDelay, delayBeforeRetry } from '../../lib/retry/retry-policy.ts';

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoff', () => {
  it('grows exponentially up to the cap, scaled by full jitter', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, top))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
  });

  it('prefers the server Retry-After over backoff', () => {
    expect(delayBeforeRetry(1, policy, 3000, () => 0.5)).toBe(3000);
    expect(delayBeforeRetry(1, policy, undefined, () => 0.5)).toBe(50);
  });
});

describe('attemptFits', () => {
  const deadline = (ms: number) => ({ remainingMs: () => ms });
  it('needs room for the delay, the whole timeout and the reserve', () => {
    expect(attemptFits(deadline(13_000), 1000, 10_000, 2000)).toBe(true);
    expect(attemptFits(deadline(12_999), 1000, 10_000, 2000)).toBe(false);
    expect(attemptFits(deadline(5000), 0, 10_000, 0)).toBe(false);
  });
});
