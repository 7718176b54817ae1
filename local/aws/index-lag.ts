/**
 * DynamoDB's global secondary indexes are eventually consistent: on AWS a Query on an index may not show a
 * write made a moment ago. dynalite updates its indexes with the write, so the router reproduces the lag on
 * the wire: it notes when each item was last written, and a Query on an index does not see items written
 * less than `lagMs` ago, as if the index had not caught up with them yet. A `Select: COUNT` query is sent
 * on for its items, and answered with the count of those the index shows. Local only.
 */
export interface IndexLag {
  setLagMs(ms: number): void;
  /** Told about every DynamoDB call that succeeded, with its request body. */
  noteCall(call: string, requestBody: Buffer): void;
  /** True when this call's reply must be filtered: a Query on an index while a lag is set. */
  applies(call: string, requestBody: Buffer): boolean;
  /** The Query as sent on to the emulator: a count is asked for the items, to filter them. */
  forwardedRequest(requestBody: Buffer): Buffer;
  /** The Query's reply without the items written too recently for the index to show them. */
  filterReply(requestBody: Buffer, replyBody: Buffer): Buffer;
  /** Items hidden from index queries so far. */
  hidden(): number;
}

type Json = Record<string, unknown>;
const parse = (body: Buffer): Json | undefined => {
  try {
    return JSON.parse(body.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
};
const WRITES = new Set(['dynamodb.PutItem', 'dynamodb.UpdateItem', 'dynamodb.DeleteItem']);

export function createIndexLag(): IndexLag {
  let lag = 0;
  let hiddenCount = 0;
  const keySchemas = new Map<string, string[]>();
  const writtenAt = new Map<string, number>();
  /** An item's identity: its table and its key attributes, in the table's key order. */
  const itemKey = (table: string, item: Json) => `${table}\u0000${JSON.stringify((keySchemas.get(table) ?? []).map((name) => item[name]))}`;
  const written = (table: string, item: Json, at: number) => writtenAt.set(itemKey(table, item), at);

  return {
    setLagMs: (ms) => {
      lag = Math.max(0, ms);
    },
    noteCall(call, requestBody) {
      const body = parse(requestBody);
      if (!body) return;
      if (call === 'dynamodb.CreateTable') {
        keySchemas.set(String(body.TableName), ((body.KeySchema ?? []) as Json[]).map((key) => String(key.AttributeName)));
        return;
      }
      const now = Date.now();
      if (WRITES.has(call)) written(String(body.TableName), ((call === 'dynamodb.PutItem' ? body.Item : body.Key) ?? {}) as Json, now);
      if (call === 'dynamodb.BatchWriteItem') {
        for (const [table, requests] of Object.entries((body.RequestItems ?? {}) as Record<string, Json[]>)) {
          for (const request of requests) written(table, ((request.PutRequest as Json | undefined)?.Item ?? (request.DeleteRequest as Json | undefined)?.Key ?? {}) as Json, now);
        }
      }
      if (call === 'dynamodb.TransactWriteItems') {
        for (const transactItem of (body.TransactItems ?? []) as Json[]) {
          for (const operation of Object.values(transactItem) as Json[]) written(String(operation.TableName), (operation.Key ?? operation.Item ?? {}) as Json, now);
        }
      }
      if (writtenAt.size > 50_000) {
        const horizon = now - lag;
        for (const [key, at] of writtenAt) if (at < horizon) writtenAt.delete(key);
      }
    },
    applies: (call, requestBody) => lag > 0 && call === 'dynamodb.Query' && typeof parse(requestBody)?.IndexName === 'string',
    forwardedRequest(requestBody) {
      const query = parse(requestBody);
      if (query?.Select !== 'COUNT') return requestBody;
      return Buffer.from(JSON.stringify({ ...query, Select: 'ALL_PROJECTED_ATTRIBUTES' }));
    },
    filterReply(requestBody, replyBody) {
      const query = parse(requestBody);
      const table = String(query?.TableName);
      const reply = parse(replyBody);
      if (!reply || !Array.isArray(reply.Items)) return replyBody;
      const horizon = Date.now() - lag;
      const items = reply.Items as Json[];
      const visible = items.filter((item) => (writtenAt.get(itemKey(table, item)) ?? 0) < horizon);
      hiddenCount += items.length - visible.length;
      if (query?.Select === 'COUNT') {
        const { Items: _items, ...counted } = reply;
        return Buffer.from(JSON.stringify({ ...counted, Count: visible.length }));
      }
      return Buffer.from(JSON.stringify({ ...reply, Items: visible, Count: visible.length }));
    },
    hidden: () => hiddenCount,
  };
}
