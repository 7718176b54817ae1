import { QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type Condition, expressions, type Update, when } from './dynamodb-expression.ts';
import { conditional, keyOf, LEDGER_TABLE, type LedgerTable } from './dynamodb-table.ts';
import type { FollowUp, FollowUps } from './follow-ups.ts';

/** The one value of `followUpOpen`: the index is sparse, only requests still followed up carry it. */
export const FOLLOW_UP_OPEN = 'open';

/** The attributes that put a request on the follow-up index: the record's `followUp`, and its index keys. */
export const followUpAttributes = (followUp: FollowUp) => ({ followUp, followUpOpen: FOLLOW_UP_OPEN, followUpAt: followUp.at });

/** Follow-ups on the request records, found through the sparse `byFollowUp` index (due time as sort key). */
export function createDynamoDbFollowUps(table: LedgerTable): FollowUps {
  const { client, tableName } = table;
  const update = (requestId: string, changes: Update, condition: Condition) =>
    conditional(() => {
      const e = expressions();
      return client.send(
        new UpdateItemCommand({ TableName: tableName, Key: keyOf(requestId), UpdateExpression: e.update(changes), ConditionExpression: e.condition(condition), ...e.attributes() }),
      );
    });

  return {
    async due(now, limit) {
      const e = expressions();
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: LEDGER_TABLE.followUpIndex,
          KeyConditionExpression: e.condition(when`#followUpOpen = ${FOLLOW_UP_OPEN} AND #followUpAt <= ${now}`),
          Limit: limit,
          ...e.attributes(),
        }),
      );
      return Items.map((item) => String(unmarshall(item).pk));
    },

    settle: (requestId, interimId, final, now) =>
      update(
        requestId,
        { set: { status: final.status, outcome: final, followUpUnpublished: final, followUpAt: now.getTime(), updatedAt: now.toISOString() } },
        when`#outcome.#outcomeId = ${interimId} AND attribute_exists(#followUp)`,
      ),

    // A resolved unknown is settled: it leaves the unsettled index, so it no longer stands in other requests' way;
    // one found by its key whose subscription is not recorded as its own stays, with that window (as the worker's).
    resolve: (requestId, document, resolution, now, keyedWindow) =>
      update(
        requestId,
        {
          set: { resolution, followUpUnpublished: document, followUpAt: now.getTime(), updatedAt: now.toISOString(), ...(keyedWindow ? { keyedWindow } : {}) },
          remove: keyedWindow ? [] : ['unsettledItem', 'unsettledSince'],
        },
        when`attribute_not_exists(#resolution) AND attribute_exists(#followUp)`,
      ),

    async postpone(requestId, followUp) {
      await update(requestId, { set: followUpAttributes(followUp) }, when`attribute_exists(#followUp)`);
    },

    async close(requestId) {
      await update(requestId, { remove: ['followUp', 'followUpOpen', 'followUpAt', 'followUpUnpublished'] }, when`attribute_exists(#followUp)`);
    },
  };
}
