/** Everything a running sandbox remembers and can be switched to, with the checks on each switch. */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { BillingAccount } from './billing-account.ts';
import { type ActiveFaultRule, type FaultTarget, parseFaultRules, takeFault } from './faults.ts';
import { ProvisionedResources } from './provisioning.ts';
import { RateLimit } from './rate-limit.ts';

/** A setting was given a value it cannot take; the control endpoints answer it with a 400. */
export class SandboxInputError extends Error {
  override name = 'SandboxInputError';
}

export class SandboxState {
  readonly account = new BillingAccount();
  readonly provisioned = new ProvisionedResources();
  /** POST /api/domains/v1/availability: 90 requests a minute, as Hostinger's spec says. */
  readonly availabilityLimit = new RateLimit(90, 60_000);
  #token = '';
  #latencyMs = 0;
  #faults: ActiveFaultRule[] = [];
  #orderRequests = 0;
  readonly #closing = new AbortController();

  constructor(token: unknown, latencyMs: unknown) {
    // Every wait in progress (latency, delays, orders made late) listens for the close: there can be many.
    setMaxListeners(0, this.#closing.signal);
    this.setToken(token);
    this.setLatency(latencyMs);
  }

  setToken(token: unknown): void {
    if (typeof token !== 'string' || token.trim() === '') throw new SandboxInputError('token must be a non-empty string');
    this.#token = token;
  }

  /** Only `Authorization: Bearer <the current token>` passes. */
  acceptsAuthorization(header: string | undefined): boolean {
    return header === `Bearer ${this.#token}`;
  }

  setLatency(ms: unknown): void {
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0) {
      throw new SandboxInputError('latency must be a non-negative integer of milliseconds');
    }
    this.#latencyMs = ms;
  }

  /** Waits the configured latency; rejects (AbortError) once the sandbox closes. */
  async applyLatency(): Promise<void> {
    if (this.#latencyMs > 0) await this.wait(this.#latencyMs);
  }

  wait(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.#closing.signal });
  }

  addFaults(input: unknown): void {
    const parsed = parseFaultRules(input);
    if (!parsed.ok) throw new SandboxInputError(parsed.error);
    this.#faults.push(...parsed.rules);
  }

  clearFaults(): void {
    this.#faults = [];
  }

  faults(): ActiveFaultRule[] {
    return structuredClone(this.#faults);
  }

  /** The fault this order request meets, if any; counts it down. */
  takeFault(target: FaultTarget): ActiveFaultRule | undefined {
    const { fired, remaining } = takeFault(this.#faults, target);
    this.#faults = remaining;
    return fired;
  }

  countOrderRequest(): void {
    this.#orderRequests += 1;
  }

  orderRequests(): number {
    return this.#orderRequests;
  }

  /** Cuts every pending wait short so close() is not held up by delays. */
  close(): void {
    this.#closing.abort();
  }

  get closing(): boolean {
    return this.#closing.signal.aborted;
  }
}
