import type { ApprovalDecision, ApprovalHold } from '../order/approval.ts';
import type { LedgerRecord } from './request-ledger.ts';

export type DecideResult =
  | { decided: true; record: LedgerRecord }
  /** `missing`: no such request; `not_awaiting`: it is not waiting for a decision (any more). */
  | { decided: false; reason: 'missing' | 'not_awaiting'; record?: LedgerRecord };

/**
 * Orders waiting for a human approval. A claimed request is parked (`awaiting_approval`, no claim, no attempt
 * in flight); a decision puts it back to `queued` with the decision recorded, and the worker, delivered the
 * order again, buys it only if the decision is `approved`.
 */
export interface ApprovalLedger {
  /** Parks a claimed request until `hold.event.expiresAt`; only while `claimToken` holds it. */
  park(requestId: string, claimToken: string, hold: ApprovalHold, now: Date): Promise<void>;
  /** Records a decision on a parked request: a conditional write, so of two decisions only the first counts. */
  decide(requestId: string, decision: ApprovalDecision, now: Date): Promise<DecideResult>;
  /** Parked requests whose wait ended before `now`, oldest first. */
  expired(now: Date, limit: number): Promise<string[]>;
}
