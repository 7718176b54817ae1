import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { mapConcurrently } from '../lib/platform/map-concurrently.ts';

/** The order every benchmark sends: the sandbox's default card, which completes at once. */
export const BENCH_ORDER = { payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] };

/** An orders-queue message body in the format producers use: the order plus its request id. */
export const orderMessage = (requestId: string, order: object = BENCH_ORDER): string => JSON.stringify({ requestId, ...order });

/** SQS's limit of entries per SendMessageBatch. */
const SQS_BATCH_LIMIT = 10;

/**
 * Sends message bodies with SendMessageBatch, 10 a call and `parallelism` calls in flight. Resolves to the
 * time (performance.now()) each message's call was started, in input order. Any refused entry is an error.
 */
export async function sendInBatches(client: SQSClient, queueUrl: string, bodies: readonly string[], parallelism: number): Promise<number[]> {
  const sentAt = new Array<number>(bodies.length);
  const starts = Array.from({ length: Math.ceil(bodies.length / SQS_BATCH_LIMIT) }, (_, i) => i * SQS_BATCH_LIMIT);
  await mapConcurrently(starts, parallelism, async (start) => {
    const chunk = bodies.slice(start, start + SQS_BATCH_LIMIT);
    const at = performance.now();
    const { Failed } = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: body })) }));
    if (Failed && Failed.length > 0) throw new Error(`SendMessageBatch refused ${Failed.length} entries: ${Failed[0]?.Message ?? Failed[0]?.Code}`);
    sentAt.fill(at, start, start + chunk.length);
  });
  return sentAt;
}

/** Prints "<label>: done/total" to stderr about once a second while `done()` grows; call the result to stop. */
export function reportProgress(label: string, total: number, done: () => number): () => void {
  const timer = setInterval(() => console.error(`  ${label}: ${done()}/${total}`), 1000);
  return () => clearInterval(timer);
}
