import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { OUTCOME_STATUSES } from '../order/outcome.ts';
import { LEDGER_TABLE, UNQUEUED, conditional, expiresAt, fromItem, keyOf, namesIn, toItem, type LedgerTable } from './dynamodb-table.ts';
import { LeaseLostError, type ClaimRequest, type ClaimResult, type CreateResult, type LedgerRecord, type NewIntakeRequest, type RequestLedger } from './request-ledger.ts';

const TERMINAL = new Set<string>(OUTCOME_STATUSES);

/**
 * How an order of several items is indexed among unsettled attempts: its subscriptions may be of any of its
 * items, so it is a rival to every item's reconciliation.
 */
const MULTI_ITEM = '*';

/** The `unsettledItem` of a request's record: its one item, or MULTI_ITEM. */
const unsettledIndexKey = (itemIds: string[]): string => (itemIds.length === 1 && itemIds[0] !== undefined ? itemIds[0] : MULTI_ITEM);

/** Order requests on the ledger table; every state change is a conditional write. */
export function createDynamoDbRequestLedger({ client, tableName }: LedgerTable): RequestLedger {
  async function get(requestId: string): Promise<LedgerRecord | undefined> {
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: keyOf(requestId), ConsistentRead: true }));
    return Item ? fromItem<LedgerRecord>(Item) : undefined;
  }

  async function getExisting(requestId: string): Promise<LedgerRecord> {
    const record = await get(requestId);
    if (!record) throw new Error(`request ${requestId} vanished from the ledger during a conditional write`);
    return record;
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

  /**
   * Updates a request only while `claimToken` still holds it. A write that gives the request up (release,
   * complete) also sets `settledBy`: if its reply was lost, the SDK's retry fails the condition, and the
   * record read back shows the write was this claim's own.
   */
  async function updateClaimed(requestId: string, claimToken: string, expression: string, values: Record<string, unknown>) {
    const condition = 'claimToken = :claimToken';
    const held = await conditional(() =>
      client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: keyOf(requestId),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(expression),
          ExpressionAttributeValues: toItem({ ...values, ':claimToken': claimToken }),
        }),
      ),
    );
    if (!held && (await get(requestId))?.settledBy !== claimToken) throw new LeaseLostError(requestId);
  }

  return {
    get,

    async create(request: NewIntakeRequest): Promise<CreateResult> {
      const now = request.now.toISOString();
      const record: LedgerRecord = {
        requestId: request.requestId,
        status: 'queued',
        source: request.source,
        order: request.order,
        requestHash: request.requestHash,
        ...(request.owner ? { owner: request.owner } : {}),
        attempts: 0,
        createToken: request.createToken,
        createdAt: now,
        updatedAt: now,
      };
      const item = { pk: request.requestId, ...record, unqueued: UNQUEUED, unqueuedSince: request.now.getTime(), expiresAt: expiresAt(request.now) };
      if (await put(item, 'attribute_not_exists(pk)')) return { created: true };
      const existing = await getExisting(request.requestId);
      // This create's own write, whose reply was lost: the SDK's retry met it.
      return existing.createToken === request.createToken ? { created: true } : { created: false, existing };
    },

    async markEnqueued(requestId, now) {
      const expression = 'SET enqueuedAt = :now REMOVE unqueued, unqueuedSince';
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(requestId),
            UpdateExpression: expression,
            ConditionExpression: 'attribute_exists(unqueued)',
            ExpressionAttributeValues: toItem({ ':now': now.toISOString() }),
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
        'unsettledItem = :item, unsettledSince = if_not_exists(unsettledSince, :nowMs) ' +
        // The message was delivered: the request is no longer the sweep's to queue.
        'REMOVE unqueued, unqueuedSince';
      const condition = 'attribute_not_exists(pk) OR (requestHash = :requestHash AND (#status = :queued OR (#status = :submitting AND leaseUntil < :nowMs)))';
      try {
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(request.requestId),
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
        return { claimed: true, record: fromItem<LedgerRecord>(Attributes ?? {}) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const existing = await getExisting(request.requestId);
      // This claim's own write, whose reply was lost: the SDK's retry failed the condition on it.
      if (existing.claimToken === request.claimToken) return { claimed: true, record: existing };
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
        `SET #status = :queued, attempts = :attempts, lastError = :lastError, settledBy = :claimToken, updatedAt = :now${unresolved ? ', inFlight = :inFlight, unsettledSince = :startedAt' : ''} ` +
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
        `SET #status = :status, attempts = :attempts, outcome = :outcome, settledBy = :claimToken, updatedAt = :now, expiresAt = :expiresAt${subscriptionId ? ', subscriptionId = :subscriptionId, subscriptionSource = :subscriptionSource' : ''} ` +
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
            Key: keyOf(requestId),
            UpdateExpression: expression,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: toItem({ ':failure': { reason, receiveCount, at: now.toISOString() }, ':now': now.toISOString() }),
          }),
        ),
      );
    },

    async unsettledAttempts(itemId, from, to) {
      // An order of several items is indexed under MULTI_ITEM: it is a rival to each of its items.
      const found = await Promise.all(
        [itemId, MULTI_ITEM].map(async (indexed) => {
          const { Items = [] } = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: LEDGER_TABLE.unsettledIndex,
              KeyConditionExpression: 'unsettledItem = :item AND unsettledSince BETWEEN :from AND :to',
              ExpressionAttributeValues: toItem({ ':item': indexed, ':from': from, ':to': to }),
            }),
          );
          return Items.map((item) => {
            const { pk, unsettledSince } = unmarshall(item);
            return { requestId: String(pk), since: Number(unsettledSince) };
          });
        }),
      );
      return found.flat();
    },

  };
}
