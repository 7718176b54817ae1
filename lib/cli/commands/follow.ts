import { randomBytes } from 'node:crypto';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import type { LedgerRecord } from '../../ledger/request-ledger.ts';
import type { Publishable } from '../../messaging/outcome-publisher.ts';
import { awaitingApprovalSchema } from '../../order/approval.ts';
import { OUTCOME_STATUSES, type Outcome, outcomeSchema } from '../../order/outcome.ts';
import { batchCompletedSchema, batchEnqueuedSchema } from '../../scheduled/run-events.ts';
import { parseCommandArgs } from '../args.ts';
import { type CliContext, errorMessage, UserError, usageError, writeLine } from '../context.ts';
import { batchNameProblem } from '../file-batch.ts';
import { getLedgerRecords } from '../ledger-records.ts';
import { BatchMembers, stateDirectory } from '../progress-state.ts';
import { announceTarget, deployedClientSettings, localClientSettings, parseTarget, warnAboutEndpointOverride } from '../targets.ts';

export const FOLLOW_OPTIONS = {
  type: { type: 'string', multiple: true },
  batch: { type: 'string' },
  target: { type: 'string' },
  'topic-arn': { type: 'string' },
  table: { type: 'string' },
  'state-dir': { type: 'string' },
} as const;

/** What the outcomes topic carries: order outcomes, and the events of scheduled batch runs. */
export const PUBLISHED_TYPES = [...OUTCOME_STATUSES.map((status) => `order.${status}`), 'order.awaiting_approval', 'batch.enqueued', 'batch.completed'];

/** A message of the topic, or undefined when it is none of its documents. */
export function readPublished(body: string | undefined): Publishable | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  for (const schema of [outcomeSchema, awaitingApprovalSchema, batchEnqueuedSchema, batchCompletedSchema]) {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

/**
 * Which documents a follow prints: the types go to the subscription's filter policy; `--batch` (a file's
 * batch, whose members its progress file records as they are sent) is matched here and leaves out
 * scheduled runs' events.
 */
export function publishedFilter(members: Pick<BatchMembers, 'has'> | undefined): (document: Publishable) => boolean {
  if (members === undefined) return () => true;
  return (document) => 'requestId' in document && members.has(document.requestId);
}

/**
 * The outcomes a batch's requests already have in the ledger, in the batch's order and of the chosen types:
 * `follow` run after `submit` shows what already happened before what happens next.
 */
export async function outcomesAlreadyOut(read: (requestIds: string[]) => Promise<Map<string, LedgerRecord>>, requestIds: string[], types: string[]): Promise<Outcome[]> {
  if (requestIds.length === 0) return [];
  const records = await read(requestIds);
  return requestIds.flatMap((id) => {
    const outcome = records.get(id)?.outcome;
    return outcome && (types.length === 0 || types.includes(outcome.type)) ? [outcome] : [];
  });
}

/** Lets SNS deliver to the temporary queue (AWS requires it; the local services ignore it). */
function queuePolicy(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': topicArn } } },
    ],
  });
}

/**
 * `follow`: subscribes a temporary queue to the outcomes topic and prints one line per outcome until
 * Ctrl-C, then removes the subscription and the queue.
 */
export async function followCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('follow', args, FOLLOW_OPTIONS);
  if (positionals.length > 0) throw usageError(`follow takes no arguments, got "${positionals.join(' ')}"`);
  const types = values.type ?? [];
  for (const type of types) if (!PUBLISHED_TYPES.includes(type)) throw usageError(`--type must be one of ${PUBLISHED_TYPES.join(', ')}, got "${type}"`);
  if (values.batch !== undefined) {
    const problem = batchNameProblem(values.batch);
    if (problem) throw usageError(`--batch ${problem}`);
  }
  const target = parseTarget(ctx, values.target ?? (values['topic-arn'] !== undefined ? 'aws' : undefined));
  announceTarget(ctx, target);
  let topicArn: string;
  if (target.kind === 'local') topicArn = target.local.topicArn;
  else {
    const arn = values['topic-arn'] ?? ctx.env.OUTCOMES_TOPIC_ARN;
    if (!arn) throw usageError('the deployed outcomes topic: pass --topic-arn <arn> or set OUTCOMES_TOPIC_ARN');
    topicArn = arn;
    warnAboutEndpointOverride(ctx);
  }
  const stateDir = stateDirectory(ctx.cwd, ctx.env, values['state-dir']);
  const members = values.batch !== undefined ? new BatchMembers(stateDir, values.batch) : undefined;
  members?.refresh();
  const matches = publishedFilter(members);
  const tableName = target.kind === 'local' ? target.local.tableName : (values.table ?? ctx.env.ORDERS_TABLE);

  const [sqsModule, snsModule, { formatPublished }] = await Promise.all([import('@aws-sdk/client-sqs'), import('@aws-sdk/client-sns'), import('../outcome-lines.ts')]);
  const settings = target.kind === 'local' ? localClientSettings(target.local) : deployedClientSettings(ctx.env, topicArn);
  const sqs: SQSClient = new sqsModule.SQSClient(settings);
  const sns: SNSClient = new snsModule.SNSClient(settings);
  const queueName = `hostinger-orders-follow-${randomBytes(4).toString('hex')}`;
  let queueUrl: string | undefined;
  let subscriptionArn: string | undefined;
  try {
    try {
      queueUrl = (await sqs.send(new sqsModule.CreateQueueCommand({ QueueName: queueName, Attributes: { MessageRetentionPeriod: '3600' } }))).QueueUrl;
      if (!queueUrl) throw new Error('CreateQueue returned no queue URL');
      const queueArn = (await sqs.send(new sqsModule.GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
      if (!queueArn) throw new Error('the new queue has no ARN');
      if (target.kind === 'aws') await sqs.send(new sqsModule.SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: queuePolicy(queueArn, topicArn) } }));
      const subscribed = await sns.send(
        new snsModule.SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: queueArn,
          ReturnSubscriptionArn: true,
          Attributes: { RawMessageDelivery: 'true', ...(types.length > 0 ? { FilterPolicy: JSON.stringify({ type: types }) } : {}) },
        }),
      );
      subscriptionArn = subscribed.SubscriptionArn;
    } catch (error) {
      const hint = target.kind === 'local' ? ` (is npm start running? the local AWS endpoint is ${target.local.awsEndpoint})` : '';
      throw new UserError(`could not subscribe to ${topicArn}: ${errorMessage(error)}${hint}`);
    }
    const what = [
      types.length > 0 ? types.join(', ') : values.batch !== undefined ? 'the outcomes' : 'all outcomes and batch events',
      values.batch !== undefined ? `of batch ${values.batch}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const seen = new Set<string>();
    // Subscribed first, then the ledger read: an outcome published in between is in both, and printed once.
    if (members && values.batch !== undefined) {
      if (!members.recorded) writeLine(ctx.stderr, `batch ${values.batch} has no progress file in ${stateDir} yet: its orders are followed as submit records them`);
      else if (tableName === undefined) writeLine(ctx.stderr, 'outcomes already out are not shown: pass --table <ledger table> or set ORDERS_TABLE');
      else {
        const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
        const dynamo = new DynamoDBClient(target.kind === 'local' ? localClientSettings(target.local) : deployedClientSettings(ctx.env));
        try {
          const requestIds = members.all();
          const already = await outcomesAlreadyOut((ids) => getLedgerRecords(dynamo, tableName, ids), requestIds, types);
          writeLine(
            ctx.stderr,
            `batch ${values.batch}: ${already.length} of ${requestIds.length} request${requestIds.length === 1 ? '' : 's'} already ${already.length === 1 ? 'has an outcome' : 'have outcomes'}${types.length > 0 ? ` of the chosen types` : ''}${already.length > 0 ? ':' : ''}`,
          );
          for (const outcome of already) {
            seen.add(outcome.outcomeId);
            writeLine(ctx.stdout, formatPublished(outcome));
          }
        } catch (error) {
          throw new UserError(`could not read the ledger table ${tableName}: ${errorMessage(error)}`);
        } finally {
          dynamo.destroy();
        }
      }
    }
    writeLine(ctx.stderr, `following ${what} on ${topicArn} (Ctrl-C to stop)`);

    while (!ctx.signal.aborted) {
      let messages: Message[];
      try {
        ({ Messages: messages = [] } = await sqs.send(new sqsModule.ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }), {
          abortSignal: ctx.signal,
        }));
      } catch (error) {
        if (ctx.signal.aborted) break;
        throw new UserError(`could not receive outcomes: ${errorMessage(error)}`);
      }
      for (const message of messages) {
        const document = readPublished(message.Body);
        if (!document) {
          writeLine(ctx.stderr, `not an outcome: ${(message.Body ?? '').slice(0, 200)}`);
          continue;
        }
        // Delivered at least once: a repeat has the same outcomeId.
        if (seen.has(document.outcomeId) || !matches(document)) continue;
        seen.add(document.outcomeId);
        if (seen.size > 100_000) seen.delete(seen.values().next().value as string);
        writeLine(ctx.stdout, formatPublished(document));
      }
      if (messages.length > 0) {
        await sqs.send(
          new sqsModule.DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })) }),
        );
      }
    }
    return 0;
  } finally {
    const cleanup: string[] = [];
    if (subscriptionArn && subscriptionArn !== 'pending confirmation') {
      await sns
        .send(new snsModule.UnsubscribeCommand({ SubscriptionArn: subscriptionArn }))
        .catch((error: unknown) => cleanup.push(`unsubscribe ${subscriptionArn}: ${errorMessage(error)}`));
    }
    if (queueUrl)
      await sqs.send(new sqsModule.DeleteQueueCommand({ QueueUrl: queueUrl })).catch((error: unknown) => cleanup.push(`delete queue ${queueUrl}: ${errorMessage(error)}`));
    if (cleanup.length > 0) writeLine(ctx.stderr, `could not clean up, remove by hand: ${cleanup.join('; ')}`);
    else if (queueUrl) writeLine(ctx.stderr, 'stopped; the temporary queue and its subscription are removed');
    sqs.destroy();
    sns.destroy();
  }
}
