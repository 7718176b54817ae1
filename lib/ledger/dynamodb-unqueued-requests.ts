import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { expressions, when } from './dynamodb-expression.ts';
import { LEDGER_TABLE, type LedgerTable, UNQUEUED } from './dynamodb-table.ts';
import type { UnqueuedRequests } from './unqueued-requests.ts';

/** Unqueued requests from the ledger table's sparse index: only records awaiting their message carry `unqueued`. */
export function createDynamoDbUnqueuedRequests(options: LedgerTable): UnqueuedRequests {
  return {
    async recordedBefore(before, limit) {
      const e = expressions();
      const { Items = [] } = await options.client.send(
        new QueryCommand({
          TableName: options.tableName,
          IndexName: LEDGER_TABLE.unqueuedIndex,
          KeyConditionExpression: e.condition(when`unqueued = ${UNQUEUED} AND unqueuedSince < ${before}`),
          ...e.attributes(),
          Limit: limit,
        }),
      );
      return Items.map((item) => String(unmarshall(item).pk));
    },
  };
}
