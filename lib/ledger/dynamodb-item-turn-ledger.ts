import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { expressions, when } from './dynamodb-expression.ts';
import { conditional, expiresAt, fromItem, keyOf, type LedgerTable } from './dynamodb-table.ts';
import type { ItemTurnLedger, TurnHold } from './item-turn-ledger.ts';

const pkOf = (itemId: string) => `turn#${itemId}`;

interface TurnRecord {
  owner: string;
  heldUntil: number;
  hold: TurnHold;
}

/**
 * Item turns on the ledger table, as `turn#<item id>` items; a turn ends by itself at `heldUntil`.
 * `othersUntil`: the latest end of the other holds the item carries besides its holder's (a block refused
 * under a longer hold, a hold a block replaced); giving the turn back leaves the item held until then.
 */
export function createDynamoDbItemTurnLedger({ client, tableName }: LedgerTable): ItemTurnLedger {
  const hold = (itemId: string, owner: string, until: number, kind: TurnHold, condition: ReturnType<typeof when>) => {
    const e = expressions();
    return client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: keyOf(pkOf(itemId)),
        UpdateExpression: e.update({ set: { owner, heldUntil: until, hold: kind, expiresAt: expiresAt(new Date(until)) } }),
        ConditionExpression: e.condition(condition),
        ReturnValues: 'ALL_OLD',
        ...e.attributes(),
      }),
    );
  };
  /** The item stays held until `until` whoever gives its turn back (never shortened). */
  const holdAlso = (itemId: string, until: number) => {
    const e = expressions();
    return conditional(() =>
      client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: keyOf(pkOf(itemId)),
          UpdateExpression: e.update({ set: { othersUntil: until } }),
          ConditionExpression: e.condition(when`attribute_not_exists(othersUntil) OR othersUntil < ${until}`),
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
      const own = when`(attribute_not_exists(heldUntil) OR heldUntil <= ${now} OR (#owner = ${owner} AND #hold = ${'lease'})) AND (attribute_not_exists(othersUntil) OR othersUntil <= ${now})`;
      if (await conditional(() => hold(itemId, owner, until, 'lease', own))) return { taken: true };
      const current = await holder(itemId);
      // Given back or ended between the two reads: the caller asks again at once.
      return { taken: false, heldUntil: current?.heldUntil ?? now, hold: current?.hold ?? 'lease' };
    },
    async block(itemId, owner, until) {
      // Its own lease becomes the block even when longer: its attempt has ended, and only a block keeps it from itself.
      const longer = when`attribute_not_exists(heldUntil) OR heldUntil < ${until} OR (#owner = ${owner} AND #hold = ${'lease'})`;
      try {
        const { Attributes } = await hold(itemId, owner, until, 'block', longer);
        const replaced = Attributes && fromItem<TurnRecord>(Attributes);
        // Another's hold replaced (an unsettled attempt's block, a call in progress): still owed once this block is given back.
        if (replaced?.owner !== undefined && replaced.owner !== owner) await holdAlso(itemId, replaced.heldUntil);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // Another's longer hold: its owner may give it back early (answered, or settled), the window must stay held.
        await holdAlso(itemId, until);
      }
    },
    async release(itemId, owner) {
      // Ended rather than deleted (the worker's role updates ledger items, it deletes none), down to the other
      // holds it carries: then held as a block, which no lease's owner can take back as its own.
      await conditional(() =>
        client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(pkOf(itemId)),
            UpdateExpression: 'SET heldUntil = if_not_exists(othersUntil, :ended), #hold = :block',
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner', '#hold': 'hold' },
            ExpressionAttributeValues: { ':owner': { S: owner }, ':ended': { N: '0' }, ':block': { S: 'block' } },
          }),
        ),
      );
    },
  };
}
