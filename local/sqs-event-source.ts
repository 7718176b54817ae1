import { setMaxListeners } from 'node:events';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { chunks } from '../lib/platform/chunks.ts';
import { invokeWithTimeout } from './lambda-context.ts';

export type SqsLambda = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsEventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  region: string;
  functionName: string;
  handler: SqsLambda;
  /** Lambda's BatchSize. */
  batchSize: number;
  /** Parallel invocations, like the event source mapping's maximum concurrency. */
  concurrency: number;
  /**
   * Pollers receiving batches; default one per concurrent invocation. Lambda runs more pollers than invocations
   * (five at least): a batch is then received while others run, and waits for a free invocation.
   */
  pollers?: number;
  functionTimeoutMs: number;
  /** Share of invocations whose deletes are skipped, as if the function died after finishing (fault injection). */
  dropDeleteRate?: number;
  /** Called when an invocation fails as a whole (all its messages return to the queue). */
  onInvocationError?: (error: unknown) => void;
}

export interface SqsEventSource {
  /**
   * Invocations so far, and messages they deleted; and the SQS requests the mapping itself made (on AWS they
   * are billed to the account like any other): for tests and benchmarks.
   */
  stats(): { invocations: number; deleted: number; failedInvocations: number; receiveRequests: number; deleteRequests: number };
  stop(): Promise<void>;
}

function toRecord(message: Message, options: SqsEventSourceOptions): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { dataType: value.DataType ?? 'String', stringValue: value.StringValue, binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: options.region,
  };
}

/**
 * Which messages to delete after an invocation, as Lambda's event source mapping decides: none if the
 * invocation failed or named a message that is not in the batch, else all but the reported failures.
 */
export function messagesToDelete(records: SQSRecord[], response: SQSBatchResponse | void): SQSRecord[] {
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((record) => record.messageId));
  if (failures.some((failure) => !ids.has(failure.itemIdentifier))) return [];
  const failed = new Set(failures.map((failure) => failure.itemIdentifier));
  return records.filter((record) => !failed.has(record.messageId));
}

/**
 * Polls a queue and invokes a handler the way Lambda's SQS event source mapping does: batches, the
 * queue's visibility timeout for whatever is not deleted, `batchItemFailures` honoured, the function
 * timeout enforced. Redrive to the DLQ after maxReceiveCount is the queue's own RedrivePolicy.
 */
export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const stats = { invocations: 0, deleted: 0, failedInvocations: 0, receiveRequests: 0, deleteRequests: 0 };
  const abort = new AbortController();
  // Every lane's long poll listens on this one signal.
  setMaxListeners(0, abort.signal);
  let running = true;

  // Invocations in progress are limited to `concurrency`, whatever the pollers.
  let free = options.concurrency;
  const waiting: (() => void)[] = [];
  const acquire = () => (free > 0 ? ((free -= 1), Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };

  async function invoke(messages: Message[]) {
    const records = messages.map((message) => toRecord(message, options));
    let response: SQSBatchResponse | void;
    await acquire();
    if (!running) {
      // Stopped while this batch waited: like a stopped mapping, it never invokes; the messages come back visible.
      release();
      return;
    }
    stats.invocations += 1;
    try {
      response = await invokeWithTimeout((context) => options.handler({ Records: records }, context), options.functionName, options.functionTimeoutMs);
    } catch (error) {
      stats.failedInvocations += 1;
      options.onInvocationError?.(error);
      return;
    } finally {
      // The invocation is over: the poller deletes its messages while another batch runs.
      release();
    }
    if (options.dropDeleteRate && Math.random() < options.dropDeleteRate) return;
    const done = messagesToDelete(records, response);
    for (const chunk of chunks(done, 10)) {
      stats.deleteRequests += 1;
      await options.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: options.queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      stats.deleted += chunk.length;
    }
  }

  async function lane() {
    while (running) {
      try {
        stats.receiveRequests += 1;
        const { Messages } = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['All'],
            AttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        if (Messages && Messages.length > 0) await invoke(Messages);
      } catch (error) {
        if (!running) return;
        options.onInvocationError?.(error);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  const lanes = Array.from({ length: Math.max(options.pollers ?? options.concurrency, options.concurrency) }, lane);
  return {
    stats: () => ({ ...stats }),
    async stop() {
      running = false;
      abort.abort();
      for (const wake of waiting.splice(0)) wake();
      await Promise.allSettled(lanes);
    },
  };
}
