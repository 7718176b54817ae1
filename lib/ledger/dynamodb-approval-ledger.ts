import { ConditionalCheckFailedException, GetItemCommand, QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ApprovalLedger } from './approval-ledger.ts';
import { LeaseLostError, type LedgerRecord } from './request-ledger.ts';
import { UNQUEUED } from './dynamodb-table.ts';

/** The sparse index of parked requests by expiry: partition `awaitingApproval` (always `awaiting`), sort `approvalExpiresAt` (epoch ms). */
export const APPROVAL_INDEX = { name: 'byApprovalExpiry', partitionKey: 'awaitingApproval', sortKey: 'approvalExpiresAt' } as const;
const AWAITING = 'awaiting';

const values = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: true });
const recordOf = (item: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>): LedgerRecord => {
  const { pk: _pk, expiresAt: _expiresAt, ...record } = unmarshall(item);
  return record as LedgerRecord;
};

export function createDynamoDbApprovalLedger(options: { client: DynamoDBClient; tableName: string }): ApprovalLedger {
  const { client, tableName } = options;
  const key = (requestId: string) => ({ pk: { S: requestId } });

  return {
    async park(requestId, claimToken, hold, now) {
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(requestId),
            UpdateExpression:
              'SET #status = :awaiting, approvalHold = :hold, awaitingApproval = :bucket, approvalExpiresAt = :expiresAt, updatedAt = :now ' +
              // Nothing was sent: no attempt is in flight and nothing is unsettled.
              'REMOVE claimToken, leaseUntil, inFlight, unsettledItem, unsettledSince, approval',
            ConditionExpression: 'claimToken = :claimToken',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values({
              ':awaiting': 'awaiting_approval',
              ':hold': hold,
              ':bucket': AWAITING,
              ':expiresAt': Date.parse(hold.event.expiresAt),
              ':now': now.toISOString(),
              ':claimToken': claimToken,
            }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new LeaseLostError(requestId);
        throw error;
      }
    },

    async decide(requestId, decision, now) {
      try {
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: key(requestId),
            // Listed as unqueued until its message is known to be sent: if that fails, the sweep of unqueued requests sends it.
            UpdateExpression:
              'SET #status = :queued, approval = :decision, updatedAt = :now, unqueued = :unqueued, unqueuedSince = :nowMs REMOVE awaitingApproval, approvalExpiresAt, enqueuedAt',
            ConditionExpression: '#status = :awaiting',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: values({
              ':queued': 'queued',
              ':decision': decision,
              ':now': now.toISOString(),
              ':nowMs': now.getTime(),
              ':unqueued': UNQUEUED,
              ':awaiting': 'awaiting_approval',
            }),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { decided: true, record: recordOf(Attributes ?? {}) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: key(requestId), ConsistentRead: true }));
      return Item ? { decided: false, reason: 'not_awaiting', record: recordOf(Item) } : { decided: false, reason: 'missing' };
    },

    async expired(now, limit) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: APPROVAL_INDEX.name,
          KeyConditionExpression: 'awaitingApproval = :bucket AND approvalExpiresAt <= :now',
          ExpressionAttributeValues: values({ ':bucket': AWAITING, ':now': now.getTime() }),
          Limit: limit,
        }),
      );
      return Items.map((item) => String(unmarshall(item).pk));
    },
  };
}
