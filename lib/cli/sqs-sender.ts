import type { SendMessageBatchCommandInput, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { chunks } from '../platform/chunks.ts';
import type { PlannedOrder } from './file-batch.ts';

/** One SendMessageBatch call (the SQS client's, or a fake in tests). */
export type SendBatch = (input: SendMessageBatchCommandInput) => Promise<SendMessageBatchCommandOutput>;

export interface SendOptions {
  sendBatch: SendBatch;
  queueUrl: string;
  batch: string;
  orders: PlannedOrder[];
  /** SendMessageBatch calls in flight at once. */
  concurrency: number;
  /** Once aborted, no new call starts; calls in flight finish and are reported. */
  signal?: AbortSignal;
  /** Told as the queue confirms lines (and as lines finally fail), in the order the answers arrive. */
  onSettled?: (settled: { sent: number[]; failed: number[] }) => void;
  /** Waits before each retry of entries SQS did not take (default 100, 400, 1600 ms). */
  retryDelaysMs?: number[];
}

export interface SendResult {
  /** Lines the queue confirmed. */
  sent: number[];
  /** Lines given up on, with SQS's reason. */
  failed: { line: number; reason: string }[];
  /** Lines never sent, or whose call got no answer: interrupted, or stopped by a fatal error. */
  unsent: number[];
  /** Why sending stopped early, when an error made every further call pointless (no queue, no access). */
  fatal?: string;
  interrupted: boolean;
}

export const SQS_BATCH_SIZE = 10;

/** Errors worth another try: throttling, 5xx, dropped connections. Anything else (no such queue, access denied) stops the run. */
export function isTransient(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e?.code === 'ECONNREFUSED' || e?.name === 'ECONNREFUSED') return false;
  if (e?.$retryable) return true;
  if ((e?.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return /throttl|timeout|timedout|reset|socket|unavailable|internal|EPIPE|ECONNRESET|ETIMEDOUT|EAI_AGAIN/i.test(`${e?.name ?? ''} ${e?.code ?? ''}`);
}

export function describeAwsError(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string; errors?: unknown[] };
  // Node's fetch-style aggregate errors (a refused connection to 127.0.0.1 and ::1) carry the code inside.
  const inner = Array.isArray(e?.errors) ? (e.errors[0] as { code?: string } | undefined) : undefined;
  const code = e?.code ?? inner?.code;
  const message = e?.message || code || e?.name || String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Sends orders to the queue with SendMessageBatch, 10 per call and several calls in flight. Entries SQS
 * reports as Failed are retried a few times (unless the fault is the sender's), then reported as failed.
 * The message body is the order message with its request id; a `batch` attribute names the batch.
 */
export async function sendOrders(options: SendOptions): Promise<SendResult> {
  const { sendBatch, queueUrl, batch, signal } = options;
  const delays = options.retryDelaysMs ?? [100, 400, 1600];
  const groups = chunks(options.orders, SQS_BATCH_SIZE);

  const result: SendResult = { sent: [], failed: [], unsent: [], interrupted: false };
  let next = 0;
  const stopped = () => signal?.aborted || result.fatal !== undefined;

  async function sendChunk(chunk: PlannedOrder[]): Promise<void> {
    let pending = chunk;
    let lastReason = '';
    for (let attempt = 0; attempt <= delays.length && pending.length > 0; attempt++) {
      if (attempt > 0) {
        await sleep(delays[attempt - 1] ?? 0, signal);
        if (stopped()) break;
      }
      let answer: SendMessageBatchCommandOutput;
      try {
        answer = await sendBatch({
          QueueUrl: queueUrl,
          Entries: pending.map((order, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(order.message),
            MessageAttributes: { batch: { DataType: 'String', StringValue: batch } },
          })),
        });
      } catch (error) {
        lastReason = describeAwsError(error);
        if (!isTransient(error)) {
          result.fatal ??= lastReason;
          break;
        }
        continue;
      }
      const confirmed = (answer.Successful ?? []).map((entry) => pending[Number(entry.Id)]).filter((order): order is PlannedOrder => order !== undefined);
      const retry: PlannedOrder[] = [];
      const failed: number[] = [];
      for (const entry of answer.Failed ?? []) {
        const order = pending[Number(entry.Id)];
        if (!order) continue;
        lastReason = `${entry.Code ?? 'Failed'}${entry.Message ? `: ${entry.Message}` : ''}`;
        if (entry.SenderFault) {
          result.failed.push({ line: order.line, reason: lastReason });
          failed.push(order.line);
        } else {
          retry.push(order);
        }
      }
      // An entry answered neither Successful nor Failed is not confirmed: try it again.
      const answered = new Set([...(answer.Successful ?? []), ...(answer.Failed ?? [])].map((entry) => entry.Id));
      retry.push(...pending.filter((_, index) => !answered.has(String(index))));
      result.sent.push(...confirmed.map((order) => order.line));
      if (confirmed.length > 0 || failed.length > 0) options.onSettled?.({ sent: confirmed.map((order) => order.line), failed });
      pending = retry;
    }
    if (pending.length === 0) return;
    if (stopped()) {
      result.unsent.push(...pending.map((order) => order.line));
      return;
    }
    for (const order of pending) result.failed.push({ line: order.line, reason: lastReason });
    options.onSettled?.({ sent: [], failed: pending.map((order) => order.line) });
  }

  const lane = async () => {
    while (next < groups.length && !stopped()) await sendChunk(groups[next++] as PlannedOrder[]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, groups.length)) }, lane));
  for (const chunk of groups.slice(next)) result.unsent.push(...chunk.map((order) => order.line));
  result.interrupted = Boolean(signal?.aborted);
  const byNumber = (a: number, b: number) => a - b;
  result.sent.sort(byNumber);
  result.unsent.sort(byNumber);
  result.failed.sort((a, b) => a.line - b.line);
  return result;
}
