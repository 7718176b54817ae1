import { ConditionalCheckFailedException, type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type BudgetState, EMPTY_BUDGET, settled, usageOf, withHold } from '../policy/budget-window.ts';
import type { BudgetUsage, Violation } from '../policy/evaluate.ts';
import { BudgetContentionError, type BudgetLedger } from './budget-ledger.ts';

/** One item per currency, `budget#USD`, in the orders table. */
export const budgetKey = (currency: string) => `budget#${currency}`;

/** Writers that lost a race read again and retry, with jitter; this many tries, then the message is redelivered. */
const MAX_TRIES = 60;

interface Versioned {
  state: BudgetState;
  /** The version read; 0 when the item does not exist yet. */
  version: number;
}

/**
 * The budget ledger on the orders table, with optimistic concurrency: a writer reads a currency's item with
 * its version, computes the new state, and puts it only if the version is still the one it read.
 */
export function createDynamoDbBudgetLedger(options: { client: DynamoDBClient; tableName: string; sleep?: (ms: number) => Promise<void>; random?: () => number }): BudgetLedger {
  const { client, tableName } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;

  async function read(currency: string): Promise<Versioned> {
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: budgetKey(currency) } }, ConsistentRead: true }));
    if (!Item) return { state: EMPTY_BUDGET, version: 0 };
    const item = unmarshall(Item) as Partial<BudgetState> & { version: number };
    return { state: { hours: item.hours ?? {}, months: item.months ?? {}, holds: item.holds ?? {}, ...(item.owners ? { owners: item.owners } : {}) }, version: item.version };
  }

  /** Writes the state if nobody wrote since `version`; false when someone did. */
  async function write(currency: string, state: BudgetState, version: number, now: Date): Promise<boolean> {
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall({ pk: budgetKey(currency), currency, ...state, version: version + 1, updatedAt: now.toISOString() }),
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
          ExpressionAttributeValues: version === 0 ? undefined : { ':version': { N: String(version) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Read, decide, write-if-unchanged, until the write holds. `decide` returns the new state, or a final
   * answer with nothing to write.
   */
  async function update<T>(currency: string, now: Date, decide: (read: Versioned) => { write: BudgetState; result: T } | { result: T }): Promise<T> {
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      if (tries > 0) await sleep(Math.min(50, 2 + tries * 2) * random());
      const current = await read(currency);
      const decision = decide(current);
      if (!('write' in decision)) return decision.result;
      if (await write(currency, decision.write, current.version, now)) return decision.result;
    }
    throw new BudgetContentionError(`the ${currency} budget is too contended to reserve right now`);
  }

  async function settle(requestId: string, currencies: string[], how: 'release' | 'keep', now: Date) {
    for (const currency of currencies) {
      await update(currency, now, ({ state }) => {
        const next = settled(state, requestId, how, now.getTime());
        return next ? { write: next, result: undefined } : { result: undefined };
      });
    }
  }

  return {
    async reserve(requestId, totals, check, now, owner) {
      const reservedHere: string[] = [];
      const usage: BudgetUsage = {};
      let already = false;
      // Currencies in a fixed order, so two multi-currency orders never wait on each other in turn.
      const ordered = Object.entries(totals).sort(([a], [b]) => a.localeCompare(b));
      const of = ordered.map(([currency]) => currency);
      for (const [currency, cents] of ordered) {
        const outcome = await update<'already' | 'reserved' | Violation[]>(currency, now, ({ state }) => {
          const used = usageOf(state, now.getTime());
          usage[currency] = used;
          if (state.holds[requestId]) return { result: 'already' as const };
          const violations = check({ [currency]: used }, { [currency]: cents });
          if (violations.length > 0) return { result: violations };
          return { write: withHold(state, requestId, cents, now.getTime(), owner, of), result: 'reserved' as const };
        });
        if (outcome === 'already') already = true;
        else if (outcome === 'reserved') {
          reservedHere.push(currency);
          usage[currency] = { daily: (usage[currency]?.daily ?? 0) + cents, monthly: (usage[currency]?.monthly ?? 0) + cents };
        } else {
          // All or nothing: what this call reserved in other currencies is given back.
          await settle(requestId, reservedHere, 'release', now);
          return { reserved: false, violations: outcome, usage };
        }
      }
      return { reserved: true, already, usage };
    },

    settle,

    async holds(requestId, currencies) {
      const states = new Map(await Promise.all(currencies.map(async (currency) => [currency, (await read(currency)).state] as const)));
      const hold = [...states.values()].map((state) => state.holds[requestId]).find((found) => found !== undefined);
      if (!hold) return false;
      // A reservation its worker died in the middle of: a currency it did not reach was never checked.
      for (const currency of hold.of ?? []) {
        const state = states.get(currency) ?? (await read(currency)).state;
        if (state.holds[requestId] === undefined) return false;
      }
      return true;
    },

    async usage(currencies, now, owner) {
      const states = await Promise.all(currencies.map(async (currency) => [currency, usageOf((await read(currency)).state, now.getTime(), owner)] as const));
      return Object.fromEntries(states);
    },
  };
}
