import type { Outcome } from '../order/outcome.ts';
import type { OrderResolved, Resolution } from '../order/resolution.ts';
import type { AttemptWindow } from '../reconciliation/verdict.ts';

/**
 * Requests whose outcome is not the end of the story: an interim `order.pending` (a payment that may
 * still complete) and a final `order.unknown` (evidence that may still appear). The follow-up looks at
 * them again, on a schedule, until a deadline.
 */
export interface FollowUp {
  /** The next look (epoch ms). */
  at: number;
  /** The last look: a pending payment then expires; an unknown is then resolved as not bought. */
  until: number;
  /** Looks so far, for the backoff between them. */
  looks: number;
  /** The attempt whose effect is unknown (unknown outcomes only): where reconciliation looks. */
  window?: AttemptWindow;
}

/** A follow-up's document, recorded before it is published; until known to be published, every run publishes it again. */
export type FollowUpDocument = Outcome | OrderResolved;

export interface FollowUps {
  /** Request ids whose next look is due at `now`; may lag (an index), so each is read again. */
  due(now: number, limit: number): Promise<string[]>;
  /** Replaces the interim outcome `interimId` by `final`, if it is still the request's outcome; false if not. */
  settle(requestId: string, interimId: string, final: Outcome, now: Date): Promise<boolean>;
  /**
   * Records what an unknown outcome turned out to be, once; false if it was already resolved. It leaves the
   * unsettled index, unless `keyedWindow` is given: a VPS or domain found bought by its key, whose subscription
   * is not recorded as its own, stays a rival of generic orders of its item for that window.
   */
  resolve(requestId: string, document: OrderResolved, resolution: Resolution, now: Date, keyedWindow?: AttemptWindow): Promise<boolean>;
  /** Records the next look. */
  postpone(requestId: string, followUp: FollowUp): Promise<void>;
  /** The follow-up is over and its document published. */
  close(requestId: string): Promise<void>;
}
