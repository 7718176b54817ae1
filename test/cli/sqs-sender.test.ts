import type { SendMessageBatchCommandInput, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { assignRequestIds } from '../../lib/cli/file-batch.ts';
import { isTransient, type SendBatch, sendOrders } from '../../lib/cli/sqs-sender.ts';

/** Orders on lines 2… whose request ids say their line (b-1:2, …), for readable expectations. */
const orders = (count: number) =>
  assignRequestIds(
    Array.from({ length: count }, (_, i) => ({ line: i + 2, message: { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }], requestId: `b-1:${i + 2}` } })),
    'b-1',
  ).planned;

type Answer = (input: SendMessageBatchCommandInput, call: number) => SendMessageBatchCommandOutput | Promise<SendMessageBatchCommandOutput>;

const allOk = (input: SendMessageBatchCommandInput): SendMessageBatchCommandOutput => ({
  Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: '' })),
  Failed: [],
  $metadata: {},
});

/** A queue that records what it took, answering each call as `answer` says (all Successful by default). */
function fakeQueue(answer?: Answer) {
  const bodies: string[] = [];
  const calls: SendMessageBatchCommandInput[] = [];
  const sendBatch: SendBatch = async (input) => {
    calls.push(input);
    const result = answer ? await answer(input, calls.length) : allOk(input);
    const ok = new Set((result.Successful ?? []).map((e) => e.Id));
    for (const entry of input.Entries ?? []) if (ok.has(entry.Id)) bodies.push(entry.MessageBody ?? '');
    return result;
  };
  return { sendBatch, bodies, calls };
}

describe('sendOrders', () => {
  it('sends 10 orders a call, each body the order message with its request id, tagged with the batch', async () => {
    const queue = fakeQueue();
    const settled: number[] = [];
    const result = await sendOrders({
      sendBatch: queue.sendBatch,
      queueUrl: 'q',
      batch: 'b-1',
      orders: orders(25),
      concurrency: 3,
      onSettled: ({ sent }) => settled.push(...sent),
      retryDelaysMs: [],
    });
    expect(result).toEqual({ sent: Array.from({ length: 25 }, (_, i) => i + 2), failed: [], unsent: [], interrupted: false });
    expect(queue.calls.map((c) => c.Entries?.length)).toEqual([10, 10, 5]);
    expect(queue.calls[0]?.Entries?.[0]?.MessageAttributes).toEqual({ batch: { DataType: 'String', StringValue: 'b-1' } });
    expect(JSON.parse(queue.bodies[0] ?? '')).toEqual({ requestId: 'b-1:2', items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] });
    expect(settled.sort((a, b) => a - b)).toEqual(result.sent);
  });

  it("retries entries SQS answers as Failed, and reports the ones that keep failing or are the sender's fault", async () => {
    const queue = fakeQueue((input, call) => {
      const entries = input.Entries ?? [];
      const body = (id: string | undefined) => JSON.parse(entries[Number(id)]?.MessageBody ?? '{}').requestId as string;
      // b-1:3 fails once, b-1:4 always (service fault), b-1:5 is refused (sender fault).
      const failed = entries.filter((e) => (body(e.Id) === 'b-1:3' && call === 1) || body(e.Id) === 'b-1:4' || body(e.Id) === 'b-1:5');
      return {
        Successful: entries.filter((e) => !failed.includes(e)).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: '' })),
        Failed: failed.map((e) => ({ Id: e.Id, Code: body(e.Id) === 'b-1:5' ? 'InvalidMessageContents' : 'InternalError', SenderFault: body(e.Id) === 'b-1:5' })),
        $metadata: {},
      };
    });
    const result = await sendOrders({ sendBatch: queue.sendBatch, queueUrl: 'q', batch: 'b-1', orders: orders(6), concurrency: 1, retryDelaysMs: [1, 1] });
    expect(result.sent).toEqual([2, 3, 6, 7]);
    expect(result.failed).toEqual([
      { line: 4, reason: 'InternalError' },
      { line: 5, reason: 'InvalidMessageContents' },
    ]);
    expect(result.unsent).toEqual([]);
    // 1 call, then b-1:3 and b-1:4 retried, then b-1:4 alone.
    expect(queue.calls.map((c) => c.Entries?.length)).toEqual([6, 2, 1]);
  });

  it('stops at an error no retry can fix, reporting every line it did not send', async () => {
    const queue = fakeQueue((input, call) => {
      if (call === 2) throw Object.assign(new Error('The specified queue does not exist.'), { name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } });
      return allOk(input);
    });
    const result = await sendOrders({ sendBatch: queue.sendBatch, queueUrl: 'q', batch: 'b-1', orders: orders(40), concurrency: 1, retryDelaysMs: [1] });
    expect(result.fatal).toBe('The specified queue does not exist.');
    expect(result.sent).toEqual(Array.from({ length: 10 }, (_, i) => i + 2));
    expect(result.unsent).toEqual(Array.from({ length: 30 }, (_, i) => i + 12));
    expect(queue.calls).toHaveLength(2);
  });

  it('retries a call that failed for a transient reason', async () => {
    const queue = fakeQueue((input, call) => {
      if (call === 1) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      return allOk(input);
    });
    const result = await sendOrders({ sendBatch: queue.sendBatch, queueUrl: 'q', batch: 'b-1', orders: orders(3), concurrency: 1, retryDelaysMs: [1] });
    expect(result.sent).toEqual([2, 3, 4]);
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
  });

  it('once interrupted, starts no new call, lets the calls in flight finish and reports the rest as not sent', async () => {
    const controller = new AbortController();
    const queue = fakeQueue(async (input, call) => {
      if (call === 2) controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 5));
      return allOk(input);
    });
    const result = await sendOrders({ sendBatch: queue.sendBatch, queueUrl: 'q', batch: 'b-1', orders: orders(100), concurrency: 2, signal: controller.signal });
    expect(result.interrupted).toBe(true);
    expect(queue.calls).toHaveLength(2);
    expect(result.sent).toHaveLength(20);
    expect(result.unsent).toEqual(Array.from({ length: 80 }, (_, i) => i + 22));
  });
});
