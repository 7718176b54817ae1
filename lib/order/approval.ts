import * as z from 'zod/mini';
import { planRunRefSchema } from './order-request.ts';

/** A decision on an order that waited for approval: who made it (IAM principal ARN or JWT subject) and when. */
export const approvalDecisionSchema = z.object({
  decision: z.enum(['approved', 'denied', 'expired']),
  /** Absent for `expired`, which nobody decided. */
  by: z.optional(z.string()),
  at: z.string(),
  reason: z.optional(z.string()),
  /** An approval's: the order's totals when it was held (cents per currency), what the approver saw. It covers no more. */
  totals: z.optional(z.record(z.string(), z.int())),
});
export type ApprovalDecision = z.output<typeof approvalDecisionSchema>;

/**
 * The interim event `order.awaiting_approval`, published on the outcomes topic when an order waits for a
 * decision, so that an approver can be notified. Not an outcome: the order's outcome follows the decision.
 */
export const awaitingApprovalSchema = z.object({
  version: z.literal(1),
  /** Stable: the same for every re-publication (redeliveries). */
  outcomeId: z.string(),
  type: z.literal('order.awaiting_approval'),
  status: z.literal('awaiting_approval'),
  requestId: z.string(),
  /** The order's total per currency at catalog prices, in cents. */
  totals: z.record(z.string(), z.int()),
  /** The policy rules that ask for approval. */
  reasons: z.array(z.string()),
  /** Who placed the order, when known (an HTTP caller). */
  owner: z.optional(z.string()),
  /** Without a decision by then, the order ends `order.rejected`. */
  expiresAt: z.string(),
  requestedAt: z.string(),
  at: z.string(),
});
export type AwaitingApproval = z.output<typeof awaitingApprovalSchema>;

/** What the ledger keeps while an order waits: the event (re-published on redelivery) and its scheduled run. */
export const approvalHoldSchema = z.object({
  event: awaitingApprovalSchema,
  batchRun: z.optional(planRunRefSchema),
});
export type ApprovalHold = z.output<typeof approvalHoldSchema>;

export function awaitingApproval(fields: Omit<AwaitingApproval, 'version' | 'outcomeId' | 'type' | 'status'>): AwaitingApproval {
  return { version: 1, outcomeId: `awaiting_approval:${fields.requestId}`, type: 'order.awaiting_approval', status: 'awaiting_approval', ...fields };
}
