import { type AttributeValue, ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * The ledger table's layout, shared with serverless.yml and the local stack: partition key `pk` (a request
 * id, `subscription#<id>` for a subscription attributed by reconciliation, `batch#<run>` for a plan run),
 * and a sparse index on `subscriptionId` to find which request bought a subscription.
 */
export const LEDGER_TABLE = {
  partitionKey: 'pk',
  subscriptionIndex: 'bySubscription',
  /** Requests with an unsettled attempt, by item id (`unsettledItem`) and attempt start (`unsettledSince`). */
  unsettledIndex: 'byUnsettledItem',
  /** Intake requests whose message is not known to be queued (`unqueued`, always UNQUEUED), by when recorded (`unqueuedSince`). */
  unqueuedIndex: 'byUnqueued',
  /** Requests whose outcome is followed up (`followUpOpen`, always "open"), by when the next look is due (`followUpAt`). */
  followUpIndex: 'byFollowUp',
} as const;

/** The one value of `unqueued`: the index is sparse, only records awaiting their message carry it. */
export const UNQUEUED = 'unqueued';

/** Where the ledger lives: every record kind shares one table. */
export interface LedgerTable {
  client: DynamoDBClient;
  tableName: string;
}

/** Records are kept this long after they are created, claimed or completed (DynamoDB TTL on `expiresAt`). */
const RETENTION_SECONDS = 90 * 24 * 3600;
export const expiresAt = (now: Date) => Math.floor(now.getTime() / 1000) + RETENTION_SECONDS;

export const toItem = (value: Record<string, unknown>) => marshall(value, { removeUndefinedValues: true, convertClassInstanceToMap: true });
/** A stored item without the table's own attributes. */
export const fromItem = <T>(item: Record<string, AttributeValue>): T => {
  const { pk: _pk, expiresAt: _expiresAt, unqueued: _unqueued, unqueuedSince: _unqueuedSince, followUpOpen: _followUpOpen, followUpAt: _followUpAt, ...record } = unmarshall(item);
  return record as T;
};
export const keyOf = (pk: string) => ({ pk: { S: pk } });

/** Runs a conditional write; returns false when its condition did not hold. */
export async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
