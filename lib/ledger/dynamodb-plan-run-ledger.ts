import { ConditionalCheckFailedException, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { RunEntry } from '../scheduled/run-events.ts';
import { expressions, when } from './dynamodb-expression.ts';
import { conditional, expiresAt, keyOf, type LedgerTable, toItem } from './dynamodb-table.ts';
import type { PlanRunLedger } from './plan-run-ledger.ts';

/** A run's item; the `batch#` prefix predates the word "plan" and stays, so existing runs are still found. */
const runKey = (run: string) => `batch#${run}`;

/** Plan runs on the ledger table: one item per run, its orders' entries in a map keyed by request id. */
export function createDynamoDbPlanRunLedger({ client, tableName }: LedgerTable): PlanRunLedger {
  return {
    createRun: ({ run, plan, size, scheduledAt, now }) =>
      conditional(() =>
        client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: toItem({ pk: runKey(run), run, plan, size, scheduledAt, entries: {}, createdAt: now.toISOString(), expiresAt: expiresAt(now) }),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ),

    async recordRunEntry(run, requestId, entry) {
      try {
        const e = expressions();
        const { Attributes } = await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: keyOf(runKey(run)),
            UpdateExpression: e.update({ setEntry: { map: 'entries', key: requestId, value: entry } }),
            ConditionExpression: e.condition(when`attribute_exists(pk)`),
            ...e.attributes(),
            ReturnValues: 'ALL_NEW',
          }),
        );
        const progress = unmarshall(Attributes ?? {}) as { size: number; entries: Record<string, RunEntry>; summaryPublishedAt?: string };
        return { size: progress.size, entries: Object.values(progress.entries), summaryPublished: progress.summaryPublishedAt !== undefined };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return undefined;
        throw error;
      }
    },

    async markRunSummaryPublished(run, now) {
      const e = expressions();
      await client.send(
        new UpdateItemCommand({ TableName: tableName, Key: keyOf(runKey(run)), UpdateExpression: e.update({ set: { summaryPublishedAt: now.toISOString() } }), ...e.attributes() }),
      );
    },
  };
}
