import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LedgerRecord } from '../ledger/request-ledger.ts';
import { chunks } from '../platform/chunks.ts';

const BATCH_GET_LIMIT = 100;

/** The ledger's records for many request ids: BatchGetItem, 100 keys a call, unprocessed keys asked again. */
export async function getLedgerRecords(client: DynamoDBClient, tableName: string, requestIds: string[]): Promise<Map<string, LedgerRecord>> {
  const [{ BatchGetItemCommand }, { unmarshall }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/util-dynamodb')]);
  const found = new Map<string, LedgerRecord>();
  const groups = chunks(requestIds, BATCH_GET_LIMIT);
  let next = 0;
  const lane = async () => {
    while (next < groups.length) {
      let keys: Record<string, AttributeValue>[] = (groups[next++] as string[]).map((id) => ({ pk: { S: id } }));
      for (let round = 0; keys.length > 0; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** round)));
        if (round > 8) throw new Error(`DynamoDB left ${keys.length} keys unprocessed after ${round} tries`);
        const answer = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of answer.Responses?.[tableName] ?? []) {
          const { pk, expiresAt: _expiresAt, ...record } = unmarshall(item);
          found.set(String(pk), record as LedgerRecord);
        }
        keys = answer.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, groups.length) }, lane));
  return found;
}
