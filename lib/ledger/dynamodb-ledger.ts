import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { BatchEntry } from '../scheduled/run-events.ts';
import type { ClaimRequest, ClaimResult, CreateResult, Ledger, LedgerRecord, NewRequest } from './ledger.ts';
import { LeaseLostError } from './ledger.ts';
import { OUTCOME_STATUSES } from '../order/outcome.ts';
import { unsettledIndexKey } from '../reconciliation/verdict.ts';

/**
 * The table's layout, shared with serverless.yml and the local stack: partition key `pk` (a request id,
 * or `subscription#<id>` for a subscription attributed by reconciliation), and a sparse index on
 * `subscriptionId` to find which request bought a subscription.
 */
export const LEDGER_TABLE = {
  partitionKey: 'pk',
  subscriptionIndex: 'bySubscription',
  /** Requests with an unsettled attempt, by item id (`unsettledItem`) and attempt start (`unsettledSince`). */
  unsettledIndex: 'byUnsettledItem',
} as const;

/** Records are kept this long after they are created, claimed or completed (DynamoDB TTL on `expiresAt`). */
const RETENTION_SECONDS = 90 * 24 * 3600;
const TERMINAL = new Set<string>(OUTCOME_STATUSES);

const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: true });
const expiresAt = (now: Date) => Math.floor(now.getTime() / 1000) + RETENTION_SECONDS;
const fromItem = (item: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>): LedgerRecord => {
  const { pk: _pk, expiresAt: _expiresAt, ...record } = unmarshall(item);
  return record as LedgerRecord;
};

/** Names DynamoDB needs aliased (reserved words) or refuses when unused, for one expression. */
function namesIn(...expressions: string[]): Record<string, string> | undefined {
  const used = new Set(expressions.join(' ').match(/#\w+/g) ?? []);
  return used.size === 0 ? undefined : Object.fromEntries([...used].map((alias) => [alias, alias.slice(1)]));
}

/** The ledger on one DynamoDB table; every state change is a conditional write. */
export function createDynamoDbLedger(options: { client: DynamoDBClient; tableName: string }): Ledger {
  const { client, tableName } = options;
  const key = (pk: string) => ({ pk: { S: pk } });

  async function get(requestId: string): Promise<LedgerRecord | undefined> {
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key(requestId), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async function getExisting(requestId: string): Promise<LedgerRecord> {
    const record = await get(requestId);
    if (!record) throw new Error(`request ${requestId} vanished from the ledger during a conditional write`);
    return record;
  }

  /** Runs a conditional write; returns false when its condition did not hold. */
  async function conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  const put = (item: Record<string, unknown>, condition: string, values?: Record<string, unknown>) =>
    conditional(() =>
      client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: toItem(item),
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(condition),
          ExpressionAttributeValues: values ? toItem(values) : undefined,
        }),
      ),
    );

  /** Updates a request only while `claimToken` still holds it. */
  async function updateClaimed(requestId: string, claimToken: string, expression: string, values: Record<string, unknown>) {
    const condition = 'claimToken = :claimToken';
    const held = await conditional(() =>
      client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(requestId),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(expression),
          ExpressionAttributeValues: toItem({ ...values, ':claimToken': claimToken }),
        }),
      ),
    );
    if (!held) throw new LeaseLostError(requestId);
  }

  return {
    get,

    async create(request: NewRequest): Promise<CreateResult> {
      const now = request.now.toISOString();
      const record: LedgerRecord = {
        requestId: request.requestId,
        status: 'queued',
        source: request.source,
        order: request.order,
        requestHash: request.requestHash,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      };
      const created = await put({ pk: request.requestId, ...record, expiresAt: expiresAt(request.now) }, 'attribute_not_exists(pk)');
      return created ? { created: true } : { created: false, existing: await getExisting(request.requestId) };
    },

    async discardQueued(requestId) {
      const condition = '#status = :queued AND attempts = :zero';
      await conditional(() =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key(requestId),
            ConditionExpression: condition,
            ExpressionAttributeNames: namesIn(condition),
            ExpressionAttributeValues: toItem({ ':queued': 'queued', ':zero': 0 }),
          }),
        ),
      );
    },

    async claim(request: ClaimRequest): Promise<ClaimResult> {
      const now = request.now.toISOString();
      const expression =
        'SET #status = :submitting, claimToken = :claimToken, leaseUntil = :leaseUntil, updatedAt = :now, expiresAt = :expiresAt, ' +
        'requestId = :requestId, attempts = if_not_exists(attempts, :zero), createdAt = if_not_exists(createdAt, :now), ' +
        '#order = if_not_exists(#order, :order), requestHash = if_not_exists(requestHash, :requestHash), ' +
        '#source = if_not_exists(#source, :source), inFlight = if_not_exists(inFlight, :inFlight), ' +
        'unsettledItem = :item, unsettledSince = if_not_exists(unsettledSince, :nowMs)';
      const condition = 'attribute_not_exists(pk) OR (requestHash = :requestHash AND (#status = :queued OR (#status = :submitting AND leaseUntil < :nowMs)))';
      try {
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(request.requestId),
            UpdateExpression: expression,
            ConditionExpression: condition,
            ExpressionAttributeNames: namesIn(expression, condition),
            ExpressionAttributeValues: toItem({
              ':submitting': 'submitting',
              ':queued': 'queued',
              ':claimToken': request.claimToken,
              ':leaseUntil': request.leaseUntil,
              ':now': now,
              ':nowMs': request.now.getTime(),
              ':expiresAt': expiresAt(request.now),
              ':requestId': request.requestId,
              ':zero': 0,
              ':order': request.order,
              ':requestHash': request.requestHash,
              ':source': request.source,
              ':inFlight': { startedAt: request.now.getTime(), claimToken: request.claimToken },
              ':item': unsettledIndexKey(request.order.items.map((item) => item.item_id)),
            }),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { claimed: true, record: fromItem(Attributes ?? {}) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const existing = await getExisting(request.requestId);
      if (existing.requestHash !== request.requestHash) return { claimed: false, reason: 'conflict', existing };
      return { claimed: false, reason: TERMINAL.has(existing.status) ? 'finished' : 'busy', existing };
    },

    startNextAttempt: (requestId, claimToken, attemptsAnswered, lastError, now) =>
      updateClaimed(requestId, claimToken, `SET attempts = :attempts, ${lastError ? 'lastError = :lastError, ' : ''}inFlight = :inFlight, unsettledSince = :startedAt, updatedAt = :now`, {
        ':attempts': attemptsAnswered,
        ...(lastError ? { ':lastError': lastError } : {}),
        ':inFlight': { startedAt: now.getTime(), claimToken },
        ':startedAt': now.getTime(),
        ':now': now.toISOString(),
      }),

    release: (requestId, claimToken, { attempts, lastError, unresolved, now }) =>
      updateClaimed(
        requestId,
        claimToken,
        `SET #status = :queued, attempts = :attempts, lastError = :lastError, updatedAt = :now${unresolved ? ', inFlight = :inFlight, unsettledSince = :startedAt' : ''} ` +
          `REMOVE claimToken, leaseUntil${unresolved ? '' : ', inFlight, unsettledItem, unsettledSince'}`,
        {
          ':queued': 'queued',
          ':attempts': attempts,
          ':lastError': lastError,
          ':now': now.toISOString(),
          ...(unresolved ? { ':inFlight': unresolved, ':startedAt': unresolved.startedAt } : {}),
        },
      ),

    complete: (requestId, claimToken, { outcome, subscriptionId, subscriptionSource }, now) =>
      updateClaimed(
        requestId,
        claimToken,
        `SET #status = :status, attempts = :attempts, outcome = :outcome, updatedAt = :now, expiresAt = :expiresAt${subscriptionId ? ', subscriptionId = :subscriptionId, subscriptionSource = :subscriptionSource' : ''} ` +
          // An unknown outcome stays listed as unsettled: its order may exist (or appear later than expected),
          // and must never be claimed by another request.
          `REMOVE claimToken, leaseUntil, lastError, inFlight${outcome.status === 'unknown' ? '' : ', unsettledItem, unsettledSince'}`,
        {
          ':status': outcome.status,
          ':attempts': outcome.attempts,
          ':outcome': outcome,
          ':now': now.toISOString(),
          ':expiresAt': expiresAt(now),
          ...(subscriptionId ? { ':subscriptionId': subscriptionId, ':subscriptionSource': subscriptionSource } : {}),
        },
      ),

    async recordRejectedMessage(requestId, outcome, now) {
      const record: LedgerRecord = {
        requestId,
        status: outcome.status,
        source: 'queue',
        attempts: 0,
        outcome,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      if (await put({ pk: requestId, ...record, expiresAt: expiresAt(now) }, 'attribute_not_exists(pk)')) return { recorded: true };
      return { recorded: false, existing: (await get(requestId))?.outcome };
    },

    async recordDeliveryFailure(requestId, reason, receiveCount, now) {
      const expression = 'SET deliveryFailure = :failure, updatedAt = :now';
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(requestId),
            UpdateExpression: expression,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: toItem({ ':failure': { reason, receiveCount, at: now.toISOString() }, ':now': now.toISOString() }),
          }),
        ),
      );
    },

    async subscriptionsBoughtByAnswer(subscriptionIds) {
      const bought = await Promise.all(
        subscriptionIds.map(async (subscriptionId) => {
          const { Count } = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: LEDGER_TABLE.subscriptionIndex,
              KeyConditionExpression: 'subscriptionId = :subscriptionId',
              FilterExpression: 'subscriptionSource = :answer',
              ExpressionAttributeValues: toItem({ ':subscriptionId': subscriptionId, ':answer': 'answer' }),
              Select: 'COUNT',
            }),
          );
          return (Count ?? 0) > 0 ? subscriptionId : undefined;
        }),
      );
      return new Set(bought.filter((id): id is string => id !== undefined));
    },

    async unsettledAttempts(itemId, from, to) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: LEDGER_TABLE.unsettledIndex,
          KeyConditionExpression: 'unsettledItem = :item AND unsettledSince BETWEEN :from AND :to',
          ExpressionAttributeValues: toItem({ ':item': itemId, ':from': from, ':to': to }),
        }),
      );
      return Items.map((item) => {
        const { pk, unsettledSince } = unmarshall(item);
        return { requestId: String(pk), since: Number(unsettledSince) };
      });
    },

    createBatchRun: ({ run, plan, size, scheduledAt, now }) =>
      put({ pk: `batch#${run}`, run, plan, size, scheduledAt, entries: {}, createdAt: now.toISOString(), expiresAt: expiresAt(now) }, 'attribute_not_exists(pk)'),

    async recordBatchEntry(run, requestId, entry) {
      try {
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(`batch#${run}`),
            UpdateExpression: 'SET entries.#request = :entry',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#request': requestId },
            ExpressionAttributeValues: toItem({ ':entry': entry }),
            ReturnValues: 'ALL_NEW',
          }),
        );
        const progress = unmarshall(Attributes ?? {}) as { size: number; entries: Record<string, BatchEntry>; summaryPublishedAt?: string };
        return { size: progress.size, entries: Object.values(progress.entries), summaryPublished: progress.summaryPublishedAt !== undefined };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    async markBatchSummaryPublished(run, now) {
      await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(`batch#${run}`),
          UpdateExpression: 'SET summaryPublishedAt = :now',
          ExpressionAttributeValues: toItem({ ':now': now.toISOString() }),
        }),
      );
    },

    claimSubscription: (subscriptionId, requestId, now) =>
      put(
        { pk: `subscription#${subscriptionId}`, requestId, createdAt: now.toISOString(), expiresAt: expiresAt(now) },
        'attribute_not_exists(pk) OR requestId = :requestId',
        { ':requestId': requestId },
      ),
  };
}
