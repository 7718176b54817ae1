import { ConditionalCheckFailedException, GetItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { ApprovalLedger } from './approval-ledger.ts';
import { expressions, when } from './dynamodb-expression.ts';
import { fromItem, keyOf, type LedgerTable, UNQUEUED } from './dynamodb-table.ts';
import { LeaseLostError, type LedgerRecord } from './request-ledger.ts';

/** The sparse index of parked requests by expiry: partition `awaitingApproval` (always `awaiting`), sort `approvalExpiresAt` (epoch ms). */
export const APPROVAL_INDEX = { name: 'byApprovalExpiry', partitionKey: 'awaitingApproval', sortKey: 'approvalExpiresAt' } as const;
const AWAITING = 'awaiting';

/** Parked requests on the request records of the ledger table. */
export function createDynamoDbApprovalLedger({ client, tableName }: LedgerTable): ApprovalLedger {
  return {
    async park(requestId, claimToken, hold, now) {
      const e = expressions();
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(requestId),
            UpdateExpression: e.update({
              set: {
                status: 'awaiting_approval',
                approvalHold: hold,
                [APPROVAL_INDEX.partitionKey]: AWAITING,
                [APPROVAL_INDEX.sortKey]: Date.parse(hold.event.expiresAt),
                updatedAt: now.toISOString(),
              },
              // Nothing was sent: no attempt is in flight and nothing is unsettled.
              remove: ['claimToken', 'leaseUntil', 'inFlight', 'unsettledItem', 'unsettledSince', 'approval'],
            }),
            ConditionExpression: e.condition(when`claimToken = ${claimToken}`),
            ...e.attributes(),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) throw new LeaseLostError(requestId);
        throw error;
      }
    },

    async decide(requestId, decision, now) {
      const e = expressions();
      try {
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(requestId),
            UpdateExpression: e.update({
              // Listed as unqueued until its message is known to be sent: if that fails, the sweep of unqueued requests sends it.
              set: { status: 'queued', approval: decision, updatedAt: now.toISOString(), unqueued: UNQUEUED, unqueuedSince: now.getTime() },
              remove: [APPROVAL_INDEX.partitionKey, APPROVAL_INDEX.sortKey, 'enqueuedAt'],
            }),
            ConditionExpression: e.condition(when`#status = ${'awaiting_approval'}`),
            ...e.attributes(),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { decided: true, record: fromItem<LedgerRecord>(Attributes ?? {}) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: keyOf(requestId), ConsistentRead: true }));
      return Item ? { decided: false, reason: 'not_awaiting', record: fromItem<LedgerRecord>(Item) } : { decided: false, reason: 'missing' };
    },

    async expired(now, limit) {
      const e = expressions();
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: APPROVAL_INDEX.name,
          KeyConditionExpression: e.condition(when`awaitingApproval = ${AWAITING} AND approvalExpiresAt <= ${now.getTime()}`),
          ...e.attributes(),
          Limit: limit,
        }),
      );
      return Items.map((item) => String(unmarshall(item).pk));
    },
  };
}
