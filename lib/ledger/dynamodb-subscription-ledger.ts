import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { expressions, when } from './dynamodb-expression.ts';
import { LEDGER_TABLE, conditional, expiresAt, toItem, type LedgerTable } from './dynamodb-table.ts';
import type { SubscriptionLedger } from './subscription-ledger.ts';

/**
 * Attributions on the ledger table: Hostinger's answers are found on the request records (the
 * `subscriptionId` index), reconciliation's as `subscription#<id>` items written once.
 */
export function createDynamoDbSubscriptionLedger({ client, tableName }: LedgerTable): SubscriptionLedger {
  return {
    async subscriptionsBoughtByAnswer(subscriptionIds) {
      const bought = await Promise.all(
        subscriptionIds.map(async (subscriptionId) => {
          const e = expressions();
          const { Count } = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: LEDGER_TABLE.subscriptionIndex,
              KeyConditionExpression: e.condition(when`subscriptionId = ${subscriptionId}`),
              FilterExpression: e.condition(when`subscriptionSource = ${'answer'}`),
              ...e.attributes(),
              Select: 'COUNT',
            }),
          );
          return (Count ?? 0) > 0 ? subscriptionId : undefined;
        }),
      );
      return new Set(bought.filter((id): id is string => id !== undefined));
    },

    claimSubscription: (subscriptionId, requestId, now) =>
      conditional(() => {
        const e = expressions();
        return client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem({ pk: `subscription#${subscriptionId}`, requestId, createdAt: now.toISOString(), expiresAt: expiresAt(now) }),
            ConditionExpression: e.condition(when`attribute_not_exists(pk) OR requestId = ${requestId}`),
            ...e.attributes(),
          }),
        );
      }),
  };
}
