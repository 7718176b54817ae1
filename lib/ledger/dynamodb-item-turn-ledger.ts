import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { expressions, when } from './dynamodb-expression.ts';
import { conditional, expiresAt, fromItem, keyOf, type LedgerTable } from './dynamodb-table.ts';
import type { ItemTurnLedger, TurnHold } from './item-turn-ledger.ts';

const pkOf = (itemId: string) => `turn#${itemId}`;

interface TurnRecord {
  owner: string;
  heldUntil: number;
  hold: TurnHold;
}

/** Item turns on the ledger table, as `turn#<item id>` items; a turn ends by itself at `heldUntil`. */
export function createDynamoDbItemTurnLedger({ client, tableName }: LedgerTable): ItemTurnLedger {
  const hold = (itemId: string, owner: string, until: number, kind: TurnHold, condition: ReturnType<typeof when>) => {
    const e = expressions();
    return conditional(() =>
      client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: keyOf(pkOf(itemId)),
          UpdateExpression: e.update({ set: { owner, heldUntil: until, hold: kind, expiresAt: expiresAt(new Date(until)) } }),
          ConditionExpression: e.condition(condition),
          ...e.attributes(),
        }),
      ),
    );
  };
  async function holder(itemId: string): Promise<TurnRecord | undefined> {
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: keyOf(pkOf(itemId)), ConsistentRead: true }));
    return Item ? fromItem<TurnRecord>(Item) : undefined;
  }
  return {
    holder,
    async take(itemId, owner, until, now) {
      // Its own lease only: its own block holds it too, until the ambiguous attempt's window has closed.
      const own = when`attribute_not_exists(heldUntil) OR heldUntil <= ${now} OR (#owner = ${owner} AND #hold = ${'lease'})`;
      if (await hold(itemId, owner, until, 'lease', own)) return { taken: true };
      const current = await holder(itemId);
      // Given back or ended between the two reads: the caller asks again at once.
      return { taken: false, heldUntil: current?.heldUntil ?? now, hold: current?.hold ?? 'lease' };
    },
    async block(itemId, owner, until) {
      // Its own lease becomes the block even when longer: its attempt has ended, and only a block keeps it from itself.
      if (await hold(itemId, owner, until, 'block', when`attribute_not_exists(heldUntil) OR heldUntil < ${until} OR (#owner = ${owner} AND #hold = ${'lease'})`)) return;
      // Another's longer lease: its owner gives it back as soon as its attempt is answered, which would free the
      // item inside this attempt's window. The block takes the lease over, for the lease's longer time.
      const current = await holder(itemId);
      if (current?.hold !== 'lease' || current.owner === owner) return;
      await hold(itemId, owner, current.heldUntil, 'block', when`#owner = ${current.owner} AND #hold = ${'lease'} AND heldUntil = ${current.heldUntil}`);
    },
    async release(itemId, owner) {
      // Ended at once rather than deleted: the worker's role updates ledger items, it deletes none.
      const e = expressions();
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(pkOf(itemId)),
            UpdateExpression: e.update({ set: { heldUntil: 0 } }),
            ConditionExpression: e.condition(when`#owner = ${owner}`),
            ...e.attributes(),
          }),
        ),
      );
    },
  };
}
