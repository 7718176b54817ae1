import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ClaimRequest, ClaimResult, CreateResult, Ledger, LedgerRecord, NewRequest } from './ledger.ts';
import { LeaseLostError } from './ledger.ts';

/** Records are kept this long after their last change (DynamoDB TTL on `expiresAt`). */
const RETENTION_SECONDS = 90 * 24 * 3600;

const TERMINAL = new Set(['succeeded', 'pending', 'rejected', 'failed', 'unknown']);

const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: true });
const expiresAt = (now: Date) => Math.floor(now.getTime() / 1000) + RETENTION_SECONDS;

/** The ledger on one DynamoDB table keyed by `requestId`; every state change is a conditional write. */
export function createDynamoDbLedger(options: { client: DynamoDBClient; tableName: string }): Ledger {
  const { client, tableName } = options;
  const key = (requestId: string) => ({ requestId: { S: requestId } });

  async function get(requestId: string): Promise<LedgerRecord | undefined> {
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key(requestId), ConsistentRead: true }));
    return Item ? (unmarshall(Item) as LedgerRecord) : undefined;
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

  /** Updates a request only while `claimToken` still holds it. */
  async function updateClaimed(requestId: string, claimToken: string, expression: string, values: Record<string, unknown>) {
    const held = await conditional(() =>
      client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(requestId),
          UpdateExpression: expression,
          ConditionExpression: 'claimToken = :claimToken',
          // DynamoDB refuses attribute names an expression does not use.
          ExpressionAttributeNames: expression.includes('#status') ? { '#status': 'status' } : undefined,
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
      const record: LedgerRecord & { expiresAt: number } = {
        requestId: request.requestId,
        status: 'queued',
        source: request.source,
        order: request.order,
        requestHash: request.requestHash,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
        expiresAt: expiresAt(request.now),
      };
      const created = await conditional(() =>
        client.send(new PutItemCommand({ TableName: tableName, Item: toItem({ ...record }), ConditionExpression: 'attribute_not_exists(requestId)' })),
      );
      return created ? { created: true } : { created: false, existing: await getExisting(request.requestId) };
    },

    async discardQueued(requestId) {
      await conditional(() =>
        client.send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key(requestId),
            ConditionExpression: '#status = :queued AND attempts = :zero',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: toItem({ ':queued': 'queued', ':zero': 0 }),
          }),
        ),
      );
    },

    async claim(request: ClaimRequest): Promise<ClaimResult> {
      const now = request.now.toISOString();
      try {
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(request.requestId),
            UpdateExpression:
              'SET #status = :submitting, claimToken = :claimToken, leaseUntil = :leaseUntil, updatedAt = :now, expiresAt = :expiresAt, ' +
              'attempts = if_not_exists(attempts, :zero), createdAt = if_not_exists(createdAt, :now), #order = if_not_exists(#order, :order), ' +
              'requestHash = if_not_exists(requestHash, :requestHash), #source = if_not_exists(#source, :source)',
            ConditionExpression:
              'attribute_not_exists(requestId) OR (requestHash = :requestHash AND (#status = :queued OR (#status = :submitting AND leaseUntil < :nowMs)))',
            ExpressionAttributeNames: { '#status': 'status', '#order': 'order', '#source': 'source' },
            ExpressionAttributeValues: toItem({
              ':submitting': 'submitting',
              ':queued': 'queued',
              ':claimToken': request.claimToken,
              ':leaseUntil': request.leaseUntil,
              ':now': now,
              ':nowMs': request.now.getTime(),
              ':expiresAt': expiresAt(request.now),
              ':zero': 0,
              ':order': request.order,
              ':requestHash': request.requestHash,
              ':source': request.source,
            }),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { claimed: true, record: unmarshall(Attributes ?? {}) as LedgerRecord };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const existing = await getExisting(request.requestId);
      if (existing.requestHash !== request.requestHash) return { claimed: false, reason: 'conflict', existing };
      return { claimed: false, reason: TERMINAL.has(existing.status) ? 'finished' : 'busy', existing };
    },

    recordAttempt: (requestId, claimToken, attempts, lastError, now) =>
      updateClaimed(requestId, claimToken, 'SET attempts = :attempts, lastError = :lastError, updatedAt = :now', {
        ':attempts': attempts,
        ':lastError': lastError,
        ':now': now.toISOString(),
      }),

    release: (requestId, claimToken, attempts, lastError, now) =>
      updateClaimed(
        requestId,
        claimToken,
        'SET #status = :queued, attempts = :attempts, lastError = :lastError, updatedAt = :now REMOVE claimToken, leaseUntil',
        { ':queued': 'queued', ':attempts': attempts, ':lastError': lastError, ':now': now.toISOString() },
      ),

    complete: (requestId, claimToken, outcome, now) =>
      updateClaimed(
        requestId,
        claimToken,
        'SET #status = :status, attempts = :attempts, outcome = :outcome, updatedAt = :now REMOVE claimToken, leaseUntil, lastError',
        { ':status': outcome.status, ':attempts': outcome.attempts, ':outcome': outcome, ':now': now.toISOString() },
      ),

    async recordRejectedMessage(requestId, outcome, now) {
      const record: LedgerRecord & { expiresAt: number } = {
        requestId,
        status: outcome.status,
        source: 'queue',
        attempts: 0,
        outcome,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        expiresAt: expiresAt(now),
      };
      await conditional(() =>
        client.send(new PutItemCommand({ TableName: tableName, Item: toItem({ ...record }), ConditionExpression: 'attribute_not_exists(requestId)' })),
      );
    },
  };
}
