import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { expressions, when } from './dynamodb-expression.ts';
import { conditional, expiresAt, fromItem, keyOf, type LedgerTable, toItem } from './dynamodb-table.ts';
import type { PurchaseKeyHold, PurchaseKeyLedger } from './purchase-key-ledger.ts';

const pkOf = (key: string) => `purchase-key#${key}`;

/** Purchase keys on the ledger table, as `purchase-key#<key>` items; a release marks the item rather than deleting it. */
export function createDynamoDbPurchaseKeyLedger({ client, tableName }: LedgerTable): PurchaseKeyLedger {
  async function get(key: string): Promise<PurchaseKeyHold | undefined> {
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: keyOf(pkOf(key)), ConsistentRead: true }));
    return Item ? fromItem<PurchaseKeyHold>(Item) : undefined;
  }
  return {
    get,
    async hold(hold) {
      const condition = 'attribute_not_exists(pk) OR attribute_exists(releasedAt)';
      const now = new Date(hold.heldAt);
      const written = await conditional(() =>
        client.send(new PutItemCommand({ TableName: tableName, Item: toItem({ pk: pkOf(hold.key), ...hold, expiresAt: expiresAt(now) }), ConditionExpression: condition })),
      );
      if (written) return { held: true, hold };
      const current = await get(hold.key);
      if (current && current.requestId === hold.requestId && current.releasedAt === undefined) return { held: true, hold: current };
      return { held: false, holder: current?.requestId ?? 'another request' };
    },
    async release(key, requestId, now) {
      const e = expressions();
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(pkOf(key)),
            UpdateExpression: e.update({ set: { releasedAt: now.toISOString() } }),
            ConditionExpression: e.condition(when`requestId = ${requestId} AND attribute_not_exists(releasedAt)`),
            ...e.attributes(),
          }),
        ),
      );
    },
  };
}
