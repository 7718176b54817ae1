import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { LEDGER_TABLE, UNQUEUED, type LedgerTable } from './dynamodb-table.ts';
import type { UnqueuedRequests } from './unqueued-requests.ts';

/** Unqueued requests from the ledger table's sparse index: only records awaiting their message carry `unqueued`. */
export function createDynamoDbUnqueuedRequests(options: LedgerTable): UnqueuedRequests {
  return {
    async recordedBefore(before, limit) {
      const { Items = [] } = await options.client.send(
        new QueryCommand({
          TableName: options.tableName,
          IndexName: LEDGER_TABLE.unqueuedIndex,
          KeyConditionExpression: 'unqueued = :unqueued AND unqueuedSince < :before',
          ExpressionAttributeValues: marshall({ ':unqueued': UNQUEUED, ':before': before }),
          Limit: limit,
        }),
      );
      return Items.map((item) => String(unmarshall(item).pk));
    },
  };
}
