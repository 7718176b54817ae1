import type { FollowUp } from '../ledger/follow-ups.ts';
import type { AttemptWindow } from '../reconciliation/verdict.ts';

/** How outcomes that are not the end of the story are looked at again. */
export interface FollowUpSettings {
  /** The first look after the outcome: a payment confirmed in hPanel right away shows up at once. */
  firstLookMs: number;
  /** Looks back off (doubling) up to this interval. */
  maxIntervalMs: number;
  /** A pending payment not completed by then ends `order.failed` (expired). */
  pendingForMs: number;
  /** An unknown outcome is looked at again for this long; then, if no purchase appeared, it resolves as not bought. */
  unknownForMs: number;
}

/** The follow-up a new pending or unknown outcome starts with. */
export function startFollowUp(kind: 'pending' | 'unknown', now: number, settings: FollowUpSettings, window?: AttemptWindow): FollowUp {
  const until = now + (kind === 'pending' ? settings.pendingForMs : settings.unknownForMs);
  return { at: Math.min(until, now + settings.firstLookMs), until, looks: 0, ...(window ? { window } : {}) };
}

/** The look after this one: doubling intervals, never past the deadline (the last look is at it). */
export function nextLook(followUp: FollowUp, now: number, settings: FollowUpSettings): { at: number; looks: number } {
  const looks = followUp.looks + 1;
  const interval = Math.min(settings.maxIntervalMs, settings.firstLookMs * 2 ** looks);
  return { at: Math.min(followUp.until, now + interval), looks };
}
