import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB's global secondary indexes are eventually consistent: on AWS a Query on an index may not show a
 * write made a moment ago. dynalite updates its indexes with the write, so the router reproduces the lag on
 * the wire: an item that enters an index (or moves to another key in it) is not seen by queries on that
 * index for `lagMs`, as if the index had not caught up yet. An item that stays under the same key is seen
 * all along (a lagging index shows its older version, with the same key). A `Select: COUNT` query is sent on
 * for its items and answered with the count of those the index shows. Batch and transactional writes are not
 * delayed. Local only.
 */
export interface IndexLag {
  setLagMs(ms: number): void;
  /**
   * Called before a DynamoDB call is forwarded; for a write while a lag is set, reads the item and returns
   * what to run once the write succeeded (before its reply goes back).
   */
  beforeCall(call: string, requestBody: Buffer): Promise<(() => Promise<void>) | undefined>;
  /** True when this call's reply must be filtered: a Query on an index while a lag is set. */
  applies(call: string, requestBody: Buffer): boolean;
  /** The Query as sent on to the emulator: a count is asked for the items, to filter them. */
  forwardedRequest(requestBody: Buffer): Buffer;
  /** The Query's reply without the items that entered the index too recently. */
  filterReply(requestBody: Buffer, replyBody: Buffer): Buffer;
  /** Items hidden from index queries so far. */
  hidden(): number;
}

type Json = Record<string, unknown>;
type Item = Record<string, AttributeValue>;
/** Reads an item from the emulator directly (consistently), bypassing the router. */
export type ReadItem = (table: string, key: Item) => Promise<Item | undefined>;

const parse = (body: Buffer): Json | undefined => {
  try {
    return JSON.parse(body.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
};
const WRITES = new Set(['dynamodb.PutItem', 'dynamodb.UpdateItem', 'dynamodb.DeleteItem']);
const names = (schema: unknown) => ((schema ?? []) as Json[]).map((key) => String(key.AttributeName));

interface TableSchema {
  key: string[];
  indexes: Map<string, string[]>;
}

export function createIndexLag(readItem: ReadItem): IndexLag {
  let lag = 0;
  let hiddenCount = 0;
  const tables = new Map<string, TableSchema>();
  /** When an item becomes visible in an index, by table, index and item key. */
  const visibleFrom = new Map<string, number>();
  const keyOf = (schema: TableSchema, item: Json | Item) => JSON.stringify(schema.key.map((name) => item[name]));
  const slot = (table: string, index: string, itemKey: string) => `${table}\u0000${index}\u0000${itemKey}`;
  const indexKey = (attributes: string[], item: Item | undefined) =>
    item && attributes.every((name) => item[name] !== undefined) ? JSON.stringify(attributes.map((name) => item[name])) : undefined;

  return {
    setLagMs: (ms) => {
      lag = Math.max(0, ms);
    },
    async beforeCall(call, requestBody) {
      const body = parse(requestBody);
      if (!body) return undefined;
      if (call === 'dynamodb.CreateTable') {
        const indexes = ((body.GlobalSecondaryIndexes ?? []) as Json[]).map((index) => [String(index.IndexName), names(index.KeySchema)] as const);
        tables.set(String(body.TableName), { key: names(body.KeySchema), indexes: new Map(indexes) });
        return undefined;
      }
      const table = String(body.TableName);
      const schema = tables.get(table);
      if (lag === 0 || !WRITES.has(call) || !schema || schema.indexes.size === 0) return undefined;
      const written = ((call === 'dynamodb.PutItem' ? body.Item : body.Key) ?? {}) as Item;
      const key = Object.fromEntries(schema.key.map((name) => [name, written[name] as AttributeValue]));
      const before = await readItem(table, key).catch(() => undefined);
      // The lag runs from when the write reaches the table, not from when its bookkeeping is done.
      const writtenAt = Date.now();
      return async () => {
        const after = await readItem(table, key).catch(() => undefined);
        const until = writtenAt + lag;
        for (const [index, attributes] of schema.indexes) {
          const entered = indexKey(attributes, after);
          if (entered !== undefined && entered !== indexKey(attributes, before)) visibleFrom.set(slot(table, index, keyOf(schema, key)), until);
        }
        if (visibleFrom.size > 50_000) for (const [entry, at] of visibleFrom) if (at < Date.now()) visibleFrom.delete(entry);
      };
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
      const schema = tables.get(table);
      const reply = parse(replyBody);
      if (!schema || !reply || !Array.isArray(reply.Items)) return replyBody;
      const now = Date.now();
      const items = reply.Items as Json[];
      const visible = items.filter((item) => (visibleFrom.get(slot(table, String(query?.IndexName), keyOf(schema, item))) ?? 0) <= now);
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
