import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { OrderRequest } from './order-request.ts';

/** Puts one order on the orders queue, in the same message format producers use. */
export type EnqueueOrder = (requestId: string, order: OrderRequest) => Promise<void>;

export function createSqsOrderQueue(options: { client: SQSClient; queueUrl: string }): EnqueueOrder {
  return async (requestId, order) => {
    await options.client.send(new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify({ requestId, ...order }) }));
  };
}
