import * as z from 'zod/mini';

/**
 * `order.resolved`: published when a request that ended `order.unknown` is later decided from the
 * account's records (a follow-up, not a second outcome: the unknown stays the request's final outcome,
 * and this says what it turned out to be).
 */
export const resolutionSchema = z.object({
  /** `bought`: the purchase was found and attributed to this request; `not_bought`: none appeared while evidence could. */
  result: z.enum(['bought', 'not_bought']),
  /** The subscription found, when bought. */
  subscriptionId: z.optional(z.string()),
  /** What was looked at, in a sentence. */
  evidence: z.string(),
  at: z.string(),
});
export type Resolution = z.output<typeof resolutionSchema>;

export const orderResolvedSchema = z.object({
  version: z.literal(1),
  /** Stable across re-publication. */
  outcomeId: z.string(),
  type: z.literal('order.resolved'),
  status: z.literal('resolved'),
  requestId: z.string(),
  /** The `order.unknown` outcome this resolves. */
  resolves: z.string(),
  resolution: resolutionSchema,
});
export type OrderResolved = z.output<typeof orderResolvedSchema>;

export const orderResolved = (requestId: string, resolves: string, resolution: Resolution): OrderResolved => ({
  version: 1,
  outcomeId: `resolved:${requestId}`,
  type: 'order.resolved',
  status: 'resolved',
  requestId,
  resolves,
  resolution,
});
