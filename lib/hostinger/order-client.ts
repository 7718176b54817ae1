import { classifyAnswer, classifyTransportError } from './classify-attempt.ts';
import { requestJson, TransportError } from './http-transport.ts';
import type { PlaceOrder } from './place-order.ts';

export const ORDERS_PATH = '/api/billing/v1/orders';

/** Appended, not resolved: a compatible API may live under a path prefix. */
export const apiUrl = (baseUrl: string, path: string) => `${baseUrl.replace(/\/+$/, '')}${path}`;

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
