/**
 * A pause shared by every worker: after a 429, no container calls Hostinger before the pause ends, so a
 * rate limit slows the whole fleet down instead of each worker hammering on its own.
 */
export interface ThrottleGate {
  /** Epoch ms before which no attempt should start (0 when not paused). */
  pausedUntil(): Promise<number>;
  /** Extends the pause to `until`, for everyone. */
  pause(until: number): Promise<void>;
}
