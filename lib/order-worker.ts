import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Ledger } from './ledger.ts';
import { logger } from './logger.ts';
import { mapConcurrently } from './map-concurrently.ts';
import { orderOf } from './order-request.ts';
import { buildOutcome, type Outcome } from './outcome.ts';
import type { PublishOutcomes } from './outcome-publisher.ts';
import { readQueueMessage } from './queue-message.ts';
import { requestHash } from './request-identity.ts';
import { attemptFits, type Deadline } from './retry-policy.ts';
import { submitOrder, type SubmitDependencies } from './submit-order.ts';

export interface WorkerDependencies {
  ledger: Ledger;
  submit: Omit<SubmitDependencies, 'beforeRetry'>;
  publish: PublishOutcomes;
  /** Messages of one batch processed at the same time. */
  concurrency: number;
  now: () => Date;
}

/** A message is either done (its outcome to publish) or goes back to the queue for a later delivery. */
type MessageResult = { kind: 'done'; outcome: Outcome } | { kind: 'retry'; reason: string };

const retry = (reason: string): MessageResult => ({ kind: 'retry', reason });

/** A message without a request id is named after its SQS message id, which redelivery keeps. */
const requestIdFor = (record: SQSRecord, requestId: string | undefined) => requestId ?? `sqs-${record.messageId}`;

async function processRecord(record: SQSRecord, deadline: Deadline, deps: WorkerDependencies): Promise<MessageResult> {
  const { ledger, now } = deps;
  const read = readQueueMessage(record.body);
  if (!read.ok) {
    const requestId = requestIdFor(record, read.requestId);
    const at = now();
    const outcome = buildOutcome({
      requestId,
      status: 'rejected',
      attempts: 0,
      error: { message: 'the queue message is not a valid order request', fieldErrors: read.errors },
      requestedAt: new Date(Number(record.attributes.SentTimestamp) || at.getTime()).toISOString(),
      completedAt: at.toISOString(),
    });
    await ledger.recordRejectedMessage(requestId, outcome, at);
    return { kind: 'done', outcome };
  }

  if (!attemptFits(deadline, 0, deps.submit.timeoutMs, deps.submit.reserveMs)) return retry('not enough time left to start');

  const requestId = requestIdFor(record, read.message.requestId);
  const order = orderOf(read.message);
  const claimToken = randomUUID();
  const claimedAt = now();
  const claim = await ledger.claim({
    requestId,
    source: 'queue',
    order,
    requestHash: requestHash(order),
    now: claimedAt,
    claimToken,
    leaseUntil: claimedAt.getTime() + deadline.remainingMs(),
  });
  if (!claim.claimed) {
    switch (claim.reason) {
      case 'finished':
        // Already decided (a redelivery, or a duplicate): publish the recorded outcome again, never buy again.
        return claim.existing.outcome ? { kind: 'done', outcome: claim.existing.outcome } : retry('finished without an outcome');
      case 'busy':
        return retry('another worker holds this request');
      case 'conflict':
        return {
          kind: 'done',
          outcome: buildOutcome({
            requestId,
            status: 'rejected',
            attempts: 0,
            error: { message: `request id ${requestId} is already used by a different order` },
            requestedAt: claimedAt.toISOString(),
            completedAt: claimedAt.toISOString(),
          }),
        };
    }
  }

  const result = await submitOrder(order, claim.record.attempts, deadline, {
    ...deps.submit,
    beforeRetry: (attempt, lastError) => ledger.recordAttempt(requestId, claimToken, attempt, lastError, now()),
  });
  if (result.status === 'deferred') {
    await ledger.release(requestId, claimToken, result.attempts, result.error, now());
    logger.info('order deferred to a later delivery', { requestId, attempts: result.attempts, error: result.error });
    return retry(result.error.message);
  }
  const completedAt = now();
  const outcome = buildOutcome({
    requestId,
    status: result.status,
    attempts: result.attempts,
    order: result.order,
    error: result.error,
    requestedAt: claim.record.createdAt,
    completedAt: completedAt.toISOString(),
  });
  await ledger.complete(requestId, claimToken, outcome, completedAt);
  return { kind: 'done', outcome };
}

/**
 * Processes one SQS batch: messages concurrently, then every outcome in as few SNS PublishBatch calls as
 * possible. Written by hand rather than with Powertools' BatchProcessor because publishing is a second,
 * batched phase: a message counts as done only once its outcome is published, and a message that fails
 * (or whose outcome fails to publish) is reported alone, so no other message of the batch runs again.
 */
export async function processBatch(records: SQSRecord[], deadline: Deadline, deps: WorkerDependencies): Promise<SQSBatchResponse> {
  const results = await mapConcurrently(records, deps.concurrency, (record) =>
    processRecord(record, deadline, deps).catch((error: unknown): MessageResult => {
      logger.error('order message failed; it will be redelivered', { messageId: record.messageId, error: error as Error });
      return retry(error instanceof Error ? error.message : String(error));
    }),
  );
  const outcomes = results.flatMap((result) => (result.kind === 'done' ? [result.outcome] : []));
  const unpublished = outcomes.length > 0 ? await deps.publish(outcomes) : new Set<string>();
  for (const outcome of outcomes) {
    const published = !unpublished.has(outcome.outcomeId);
    logger.info(published ? 'order outcome published' : 'order outcome not published; message will be redelivered', {
      requestId: outcome.requestId,
      outcome: outcome.type,
      attempts: outcome.attempts,
      correlationId: outcome.error?.correlationId,
    });
  }
  return {
    batchItemFailures: records.flatMap((record, index) => {
      const result = results[index];
      const failed = !result || result.kind === 'retry' || unpublished.has(result.outcome.outcomeId);
      return failed ? [{ itemIdentifier: record.messageId }] : [];
    }),
  };
}
