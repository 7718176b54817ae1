import type { Purchase, PurchaseMessage } from '../order/kinds/purchase.ts';

/** Puts one order on the orders queue, in the same message format producers use; with its scheduled run, if any. */
export type EnqueueOrder = (requestId: string, order: Purchase, batchRun?: PurchaseMessage['batchRun']) => Promise<void>;

/** Queues many order messages; rejects if any could not be queued. */
export type EnqueueOrders = (messages: PurchaseMessage[]) => Promise<void>;
