import { type AttributeValue, BatchGetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { chunks } from '../platform/chunks.ts';
import { expressions, when } from './dynamodb-expression.ts';
import { conditional, expiresAt, keyOf, LEDGER_TABLE, type LedgerTable, toItem } from './dynamodb-table.ts';
import type { SubscriptionLedger } from './subscription-ledger.ts';

const BATCH_GET_LIMIT = 100;
const subscriptionKey = (subscriptionId: string) => `subscription#${subscriptionId}`;

/**
 * Attributions on the ledger table, one base-table item `subscription#<id>` per subscription, written once
 * and conditionally, by Hostinger's answer (`source: answer`) or by reconciliation (`source: reconciliation`).
 * Decisions read these items with consistent reads: an index may lag behind the writes on AWS. Answers
 * recorded before these items existed are found on the request records through the `subscriptionId` index.
 */
export function createDynamoDbSubscriptionLedger({ client, tableName }: LedgerTable): SubscriptionLedger {
  const attribute = (subscriptionId: string, requestId: string, source: 'answer' | 'reconciliation', now: Date) =>
    conditional(() => {
      const e = expressions();
      return client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: toItem({ pk: subscriptionKey(subscriptionId), requestId, source, createdAt: now.toISOString(), expiresAt: expiresAt(now) }),
          ConditionExpression: e.condition(when`attribute_not_exists(pk) OR requestId = ${requestId}`),
          ...e.attributes(),
        }),
      );
    });

  /** The subscription items for these ids, read consistently (unprocessed keys are read again): who took each, and how. */
  async function attributionItems(subscriptionIds: string[]): Promise<{ subscriptionId: string; requestId: string; source?: string }[]> {
    const found: { subscriptionId: string; requestId: string; source?: string }[] = [];
    for (const chunk of chunks(subscriptionIds, BATCH_GET_LIMIT)) {
      let keys: Record<string, AttributeValue>[] = chunk.map((id) => keyOf(subscriptionKey(id)));
      while (keys.length > 0) {
        const { Responses = {}, UnprocessedKeys = {} } = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of Responses[tableName] ?? []) {
          const { pk, source, requestId } = unmarshall(item) as { pk: string; source?: string; requestId: string };
          found.push({ subscriptionId: pk.slice('subscription#'.length), requestId, source });
        }
        keys = UnprocessedKeys[tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  /** Answers recorded on request records only (before subscription items existed): through the index. */
  async function answeredOnRecords(subscriptionIds: string[]): Promise<string[]> {
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
        return (Count ?? 0) > 0 ? [subscriptionId] : [];
      }),
    );
    return bought.flat();
  }

  return {
    async subscriptionsBoughtByAnswer(subscriptionIds) {
      if (subscriptionIds.length === 0) return new Set();
      const [items, records] = await Promise.all([attributionItems(subscriptionIds), answeredOnRecords(subscriptionIds)]);
      return new Set([...items.filter((item) => item.source === 'answer').map((item) => item.subscriptionId), ...records]);
    },
    async attributions(subscriptionIds) {
      if (subscriptionIds.length === 0) return new Map();
      return new Map((await attributionItems(subscriptionIds)).map((item) => [item.subscriptionId, item.requestId]));
    },
    claimSubscription: (subscriptionId, requestId, now) => attribute(subscriptionId, requestId, 'reconciliation', now),
    recordAnswer: (subscriptionId, requestId, now) => attribute(subscriptionId, requestId, 'answer', now),
  };
}
