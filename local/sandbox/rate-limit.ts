/** A sliding-window limit: at most `limit` requests per `windowMs`, as an API gateway counts them. */
export class RateLimit {
  #times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts a request at `now`; refused ones are not counted. Returns the seconds to wait when over the limit. */
  take(now: number): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    this.#times = this.#times.filter((time) => now - time < this.windowMs);
    const [oldest] = this.#times;
    if (this.#times.length >= this.limit && oldest !== undefined) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
    }
    this.#times.push(now);
    return { allowed: true };
  }
}
