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
