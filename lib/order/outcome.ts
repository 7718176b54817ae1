import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { orderResourceSchema } from '../hostinger/order-resource.ts';
import { approvalDecisionSchema } from './approval.ts';
import { boughtSchema } from './kinds/bought.ts';
import { PURCHASE_KINDS, type PurchaseKind } from './kinds/purchase.ts';
import { orderErrorSchema } from './order-error.ts';

/** The published outcome document: the contract with subscribers, versioned. */
export const OUTCOME_VERSION = 1;
export const OUTCOME_STATUSES = ['succeeded', 'pending', 'rejected', 'failed', 'unknown'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];

/** Present when an attempt's effect was unknown and the account's subscriptions were checked for it. */
export const reconciliationSchema = z.object({
  result: z.enum(['found', 'absent', 'inconclusive', 'unavailable']),
  subscriptionId: z.optional(z.string()),
  candidates: z.optional(z.int()),
  /** For a VPS, domain or renewal: the key it was settled by (`vps:<hostname>`, `domain:<name>`, `renewal:<subscription>`). */
  key: z.optional(z.string()),
});

export const outcomeSchema = z.object({
  version: z.literal(OUTCOME_VERSION),
  /** Stable across re-publication: subscribers drop repeats by it. */
  outcomeId: z.string(),
  type: z.enum(OUTCOME_STATUSES.map((status) => `order.${status}` as const)),
  status: z.enum(OUTCOME_STATUSES),
  requestId: z.string(),
  /** What was bought: `order` (absent in outcomes published before kinds existed), `vps`, `domain`, `renewal`. */
  kind: z.optional(z.enum(PURCHASE_KINDS)),
  attempts: z.int().check(z.gte(0)),
  order: z.nullable(orderResourceSchema),
  /** For a VPS, domain or renewal that Hostinger made: the VM, the domain, the renewed subscription. */
  bought: z.optional(boughtSchema),
  error: z.nullable(orderErrorSchema),
  reconciliation: z.optional(reconciliationSchema),
  /** The order's total per currency at catalog prices (cents), when a spending policy priced it. */
  totals: z.optional(z.record(z.string(), z.int())),
  /** Present when the order waited for approval: the decision, who made it and when. */
  approval: z.optional(approvalDecisionSchema),
  requestedAt: z.string(),
  completedAt: z.string(),
});
export type Outcome = z.output<typeof outcomeSchema>;
export type OutcomeType = Outcome['type'];

export function buildOutcome(fields: {
  /** Given when the outcome must be the same across redeliveries without being stored first. */
  outcomeId?: string;
  requestId: string;
  kind?: PurchaseKind;
  status: OutcomeStatus;
  attempts: number;
  order?: Outcome['order'];
  bought?: Outcome['bought'];
  error?: Outcome['error'];
  reconciliation?: Outcome['reconciliation'];
  totals?: Outcome['totals'];
  approval?: Outcome['approval'];
  requestedAt: string;
  completedAt: string;
}): Outcome {
  return {
    version: OUTCOME_VERSION,
    outcomeId: fields.outcomeId ?? randomUUID(),
    type: `order.${fields.status}`,
    status: fields.status,
    requestId: fields.requestId,
    kind: fields.kind ?? 'order',
    attempts: fields.attempts,
    order: fields.order ?? null,
    ...(fields.bought ? { bought: fields.bought } : {}),
    error: fields.error ?? null,
    ...(fields.reconciliation ? { reconciliation: fields.reconciliation } : {}),
    ...(fields.totals ? { totals: fields.totals } : {}),
    ...(fields.approval ? { approval: fields.approval } : {}),
    requestedAt: fields.requestedAt,
    completedAt: fields.completedAt,
  };
}

/** Hostinger's order without the billing address (name, email, street): what outcomes carry unless a setting asks for it. */
export function withoutBillingAddress<T extends { billing_address?: unknown }>(order: T): T {
  const { billing_address: _address, ...rest } = order;
  // The field is optional: the order without it is still a T.
  return rest as T;
}
