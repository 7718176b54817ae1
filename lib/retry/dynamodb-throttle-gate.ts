import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { ThrottleGate } from './throttle-gate.ts';

const GATE_KEY = { pk: { S: 'throttle#hostinger' } };

/** The gate as one item of the ledger table (`pk = throttle#hostinger`); each container reads it at most once per `cacheMs`. */
export function createSharedThrottleGate(options: {
  client: DynamoDBClient;
  tableName: string;
  cacheMs: number;
  /** The longest pause one 429 imposes on the fleet; a longer Retry-After only defers its own message. */
  maxPauseMs: number;
  now?: () => number;
}): ThrottleGate {
  const now = options.now ?? Date.now;
  let known = 0;
  let readAt = -Infinity;

  return {
    async pausedUntil() {
      if (now() - readAt >= options.cacheMs) {
        readAt = now();
        try {
          const { Item } = await options.client.send(new GetItemCommand({ TableName: options.tableName, Key: GATE_KEY }));
          known = Math.max(known, Number(Item?.pauseUntil?.N ?? 0));
        } catch {
          // An unreadable gate must not stop orders: the local pause still applies.
        }
      }
      return known > now() ? known : 0;
    },
    async pause(requested) {
      const until = Math.min(requested, now() + options.maxPauseMs);
      known = Math.max(known, until);
      // A longer pause already set (the condition fails) or an unwritable gate: this container pauses anyway.
      await options.client
        .send(
          new UpdateItemCommand({
            TableName: options.tableName,
            Key: GATE_KEY,
            UpdateExpression: 'SET pauseUntil = :until',
            ConditionExpression: 'attribute_not_exists(pauseUntil) OR pauseUntil < :until',
            ExpressionAttributeValues: { ':until': { N: String(until) } },
          }),
        )
        .catch(() => undefined);
    },
  };
}
