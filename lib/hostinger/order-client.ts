import type { OrderRequest } from '../order-request.ts';
import { classifyAnswer, classifyTransportError, type AttemptResult } from './classify-attempt.ts';
import { postJson, TransportError } from './http-transport.ts';

export const ORDERS_PATH = '/api/billing/v1/orders';

/** Places one order: a single attempt, already classified. */
export type PlaceOrder = (order: OrderRequest, token: string) => Promise<AttemptResult>;

export function createOrderClient(options: { baseUrl: string; timeoutMs: number; now?: () => number }): PlaceOrder {
  // Appended, not resolved: a compatible API may live under a path prefix.
  const url = `${options.baseUrl.replace(/\/+$/, '')}${ORDERS_PATH}`;
  const now = options.now ?? Date.now;
  return async (order, token) => {
    try {
      return classifyAnswer(await postJson({ url, token, body: order, timeoutMs: options.timeoutMs }), now());
    } catch (error) {
      if (error instanceof TransportError) return classifyTransportError(error);
      throw error;
    }
  };
}
