import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PurchaseMessage } from '../order/kinds/purchase.ts';
import { chunks } from '../platform/chunks.ts';
import { mapConcurrently } from '../platform/map-concurrently.ts';
import type { EnqueueOrder, EnqueueOrders } from './order-queue.ts';

export function createSqsOrderQueue(options: { client: SQSClient; queueUrl: string }): EnqueueOrder {
  return async (requestId, order, batchRun) => {
    const message: PurchaseMessage = { requestId, ...order, ...(batchRun ? { batchRun } : {}) };
    await options.client.send(new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(message) }));
  };
}

const SQS_BATCH_LIMIT = 10;
const BATCH_SEND_TRIES = 3;

/**
 * Queues many order messages with SendMessageBatch, ten per call and several calls at once; entries SQS
 * refuses are sent again a few times, then reported.
 */
export function createSqsBatchEnqueuer(options: { client: SQSClient; queueUrl: string; concurrency?: number }): EnqueueOrders {
  return async (messages) => {
    await mapConcurrently(chunks(messages, SQS_BATCH_LIMIT), options.concurrency ?? 5, async (chunk) => {
      let pending = chunk;
      for (let tries = 0; pending.length > 0; tries++) {
        if (tries === BATCH_SEND_TRIES) throw new Error(`${pending.length} message(s) could not be queued: ${pending.map((m) => m.requestId).join(', ')}`);
        const { Failed = [] } = await options.client.send(
          new SendMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: pending.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
          }),
        );
        const current = pending;
        pending = Failed.map((entry) => current[Number(entry.Id)]).filter((message): message is PurchaseMessage => message !== undefined);
      }
    });
  };
}
