import type { OrderRequest } from '../order/order-request.ts';
import { classifyAnswer, classifyTransportError, type AttemptResult } from './classify-attempt.ts';
import { requestJson, TransportError } from './http-transport.ts';

export const ORDERS_PATH = '/api/billing/v1/orders';

/** Appended, not resolved: a compatible API may live under a path prefix. */
export const apiUrl = (baseUrl: string, path: string) => `${baseUrl.replace(/\/+$/, '')}${path}`;

/** Places one order: a single attempt, already classified. */
export type PlaceOrder = (order: OrderRequest, token: string) => Promise<AttemptResult>;

export function createOrderClient(options: { baseUrl: string; timeoutMs: number; now?: () => number }): PlaceOrder {
  const url = apiUrl(options.baseUrl, ORDERS_PATH);
  const now = options.now ?? Date.now;
  return async (order, token) => {
    try {
      return classifyAnswer(await requestJson({ method: 'POST', url, token, body: order, timeoutMs: options.timeoutMs }), now());
    } catch (error) {
      if (error instanceof TransportError) return classifyTransportError(error);
      throw error;
    }
  };
}
