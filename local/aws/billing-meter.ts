/**
 * What the calls through the local AWS endpoint would be billed as on AWS, for the bench's cost figures:
 * SQS and SNS bill each request per 64 KB chunk of its payload; DynamoDB on demand bills read and write
 * request units by item size, which dynalite computes when asked (ReturnConsumedCapacity), for the table.
 * Writes to the table's global secondary indexes are estimated: one write unit for each index whose key
 * attribute a write sets or removes (the indexes are sparse and keys-only or small, so one unit each), and a
 * write refused by its condition is billed one unit, as DynamoDB does for a small item. Local only.
 */
export interface BilledUsage {
  /** Requests by '<service>.<Action>', each counted once per started 64 KB chunk of its request body. */
  requestChunks: Record<string, number>;
  dynamodb: { readUnits: number; writeUnits: number; indexWriteUnits: number };
}

export interface BillingMeter {
  /** Told about each call with its request body (whether or not it succeeds). */
  noteRequest(call: string, body: Buffer): void;
  /** True for the DynamoDB item operations whose reply carries the consumed capacity. */
  applies(call: string, body: Buffer): boolean;
  /** The request as sent on to dynalite: asking for the consumed capacity if the caller did not. */
  forwarded(body: Buffer): Buffer;
  /** Reads the consumed capacity of a reply (2xx), or bills a refused conditional write. */
  noteReply(call: string, statusCode: number, reply: Buffer): void;
  usage(): BilledUsage;
  reset(): void;
}

const CHUNK_BYTES = 64 * 1024;
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

type Json = Record<string, unknown>;
const parse = (body: Buffer): Json | undefined => {
  try {
    return JSON.parse(body.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
};

/** Attribute names a write names: the item's (PutItem) or those of its update expression, #aliases resolved. */
function namedAttributes(request: Json): Set<string> {
  const names = new Set<string>(Object.keys((request.Item as Json | undefined) ?? {}));
  const aliases = (request.ExpressionAttributeNames as Record<string, string> | undefined) ?? {};
  const expression = typeof request.UpdateExpression === 'string' ? request.UpdateExpression : '';
  for (const token of expression.match(/#?[A-Za-z_][A-Za-z0-9_]*/g) ?? []) names.add(aliases[token] ?? token);
  return names;
}

export function createBillingMeter(): BillingMeter {
  const chunks = new Map<string, number>();
  const dynamodb = { readUnits: 0, writeUnits: 0, indexWriteUnits: 0 };
  /** Key attributes of each table's global secondary indexes, learnt from CreateTable. */
  const indexKeys = new Map<string, string[][]>();
  const operation = (call: string) => call.slice('dynamodb.'.length);

  return {
    noteRequest(call, body) {
      chunks.set(call, (chunks.get(call) ?? 0) + Math.max(1, Math.ceil(body.length / CHUNK_BYTES)));
      if (call === 'dynamodb.CreateTable') {
        const table = parse(body);
        const indexes = ((table?.GlobalSecondaryIndexes ?? []) as Json[]).map((index) => ((index.KeySchema ?? []) as Json[]).map((key) => String(key.AttributeName)));
        indexKeys.set(String(table?.TableName), indexes);
      }
      if (call.startsWith('dynamodb.') && WRITES.has(operation(call))) {
        const request = parse(body);
        if (!request) return;
        const named = namedAttributes(request);
        const indexes = indexKeys.get(String(request.TableName)) ?? [];
        dynamodb.indexWriteUnits += indexes.filter((keys) => keys.some((key) => named.has(key))).length;
      }
    },
    applies: (call) => call.startsWith('dynamodb.') && (READS.has(operation(call)) || WRITES.has(operation(call))),
    forwarded(body) {
      const request = parse(body);
      if (!request || request.ReturnConsumedCapacity !== undefined) return body;
      return Buffer.from(JSON.stringify({ ...request, ReturnConsumedCapacity: 'TOTAL' }));
    },
    noteReply(call, statusCode, reply) {
      const write = WRITES.has(operation(call));
      if (statusCode !== 200) {
        if (write && reply.includes('ConditionalCheckFailed')) dynamodb.writeUnits += 1;
        return;
      }
      const consumed = parse(reply)?.ConsumedCapacity as Json | Json[] | undefined;
      const units = [consumed ?? []].flat().reduce((sum, entry) => sum + (Number(entry.CapacityUnits) || 0), 0);
      if (write) dynamodb.writeUnits += units;
      else dynamodb.readUnits += units;
    },
    usage: () => ({ requestChunks: Object.fromEntries(chunks), dynamodb: { ...dynamodb } }),
    reset() {
      chunks.clear();
      dynamodb.readUnits = 0;
      dynamodb.writeUnits = 0;
      dynamodb.indexWriteUnits = 0;
    },
  };
}
