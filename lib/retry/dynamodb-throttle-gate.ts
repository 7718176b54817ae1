import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { ItemCaution } from './item-caution.ts';
import type { ThrottleGate } from './throttle-gate.ts';

const GATE_KEY = { pk: { S: 'throttle#hostinger' } };
/** An item in careful mode is an attribute of the gate item, `careful#<item id>`: read with the pause, at no extra cost. */
const CAREFUL = 'careful#';

/**
 * The gate as one item of the ledger table (`pk = throttle#hostinger`): the fleet's pause after a 429, and
 * the items in careful mode. Each container reads it at most once per `cacheMs`.
 */
export function createSharedThrottleGate(options: {
  client: DynamoDBClient;
  tableName: string;
  cacheMs: number;
  /** The longest pause one 429 imposes on the fleet; a longer Retry-After only defers its own message. */
  maxPauseMs: number;
  now?: () => number;
}): ThrottleGate & ItemCaution {
  const now = options.now ?? Date.now;
  let known = 0;
  const careful = new Map<string, number>();
  let readAt = -Infinity;

  async function read() {
    if (now() - readAt < options.cacheMs) return;
    readAt = now();
    try {
      const { Item = {} } = await options.client.send(new GetItemCommand({ TableName: options.tableName, Key: GATE_KEY }));
      known = Math.max(known, Number(Item.pauseUntil?.N ?? 0));
      for (const [name, value] of Object.entries(Item)) {
        if (!name.startsWith(CAREFUL)) continue;
        const itemId = name.slice(CAREFUL.length);
        careful.set(itemId, Math.max(careful.get(itemId) ?? 0, Number(value.N ?? 0)));
      }
    } catch {
      // An unreadable gate must not stop orders: the local pause (and careful items) still apply.
    }
  }

  /** Raises one attribute of the gate to `until`; a later value already set (the condition fails) or an unwritable gate changes nothing here. */
  const raise = (attribute: string, until: number) =>
    options.client
      .send(
        new UpdateItemCommand({
          TableName: options.tableName,
          Key: GATE_KEY,
          UpdateExpression: 'SET #a = :until',
          ConditionExpression: 'attribute_not_exists(#a) OR #a < :until',
          ExpressionAttributeNames: { '#a': attribute },
          ExpressionAttributeValues: { ':until': { N: String(until) } },
        }),
      )
      .catch(() => undefined);

  return {
    async pausedUntil() {
      await read();
      return known > now() ? known : 0;
    },
    async pause(requested) {
      const until = Math.min(requested, now() + options.maxPauseMs);
      known = Math.max(known, until);
      await raise('pauseUntil', until);
    },
    async carefulUntil(itemId) {
      await read();
      const until = careful.get(itemId) ?? 0;
      return until > now() ? until : 0;
    },
    async beCareful(itemId, until) {
      careful.set(itemId, Math.max(careful.get(itemId) ?? 0, until));
      await raise(`${CAREFUL}${itemId}`, until);
    },
  };
}
