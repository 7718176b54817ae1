import type { PurchaseEffect } from '../order/kinds/bought.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import type { OrderError } from '../order/order-error.ts';
import type { OrderRequest } from '../order/order-request.ts';
import type { OrderResource } from './order-resource.ts';

/** One attempt's result, as the submission loop acts on it. */
export type AttemptResult =
  | { kind: 'succeeded'; order: OrderResource }
  | { kind: 'pending'; order?: OrderResource; httpStatus: number }
  | { kind: 'failed'; order?: OrderResource; error: OrderError }
  | { kind: 'rejected'; error: OrderError }
  | { kind: 'unauthorized'; error: OrderError }
  | { kind: 'retryable'; error: OrderError; retryAfterMs?: number }
  | { kind: 'ambiguous'; error: OrderError };

/** Places one order: a single attempt, already classified. */
export type PlaceOrder = (order: OrderRequest, token: string) => Promise<AttemptResult>;

/** One attempt's result, with what a provisioning purchase bought when Hostinger said so. */
export type PurchaseAttempt = AttemptResult & { effect?: PurchaseEffect };

export interface AttemptContext {
  requestId: string;
  /** An earlier attempt of this request may have bought (lost answer, 5xx): a domain "not available" may be ours. */
  uncertainBefore: boolean;
}

/** Places one purchase of any kind: a single attempt, already classified for its kind. */
export type PlacePurchase = (purchase: Purchase, token: string, context?: AttemptContext) => Promise<PurchaseAttempt>;
