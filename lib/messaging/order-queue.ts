import type { OrderMessage, OrderRequest } from '../order/order-request.ts';

/** Puts one order on the orders queue, in the same message format producers use. */
export type EnqueueOrder = (requestId: string, order: OrderRequest) => Promise<void>;

/** Queues many order messages; rejects if any could not be queued. */
export type EnqueueOrders = (messages: OrderMessage[]) => Promise<void>;
