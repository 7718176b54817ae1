import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, QueryCommand, type ReturnValue, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { redactPurchase, unsettledItemsOf } from '../order/kinds/purchase.ts';
import { OUTCOME_STATUSES } from '../order/outcome.ts';
import { type Condition, expressions, type Update, when } from './dynamodb-expression.ts';
import { followUpAttributes } from './dynamodb-follow-ups.ts';
import { conditional, expiresAt, fromItem, keyOf, LEDGER_TABLE, type LedgerTable, toItem, UNQUEUED } from './dynamodb-table.ts';
import { type ClaimRequest, type ClaimResult, type CreateResult, LeaseLostError, type LedgerRecord, type NewIntakeRequest, type RequestLedger } from './request-ledger.ts';

const TERMINAL = new Set<string>(OUTCOME_STATUSES);

/**
 * How an order of several items is indexed among unsettled attempts: its subscriptions may be of any of its
 * items, so it is a rival to every item's reconciliation.
 */
const MULTI_ITEM = '*';

/** The `unsettledItem` of a request's record: its one item, or MULTI_ITEM. */
const unsettledIndexKey = (itemIds: string[]): string => (itemIds.length === 1 && itemIds[0] !== undefined ? itemIds[0] : MULTI_ITEM);

/** Order requests on the ledger table; every state change is a conditional write. */
export function createDynamoDbRequestLedger({ client, tableName }: LedgerTable): RequestLedger {
  async function get(requestId: string): Promise<LedgerRecord | undefined> {
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: keyOf(requestId), ConsistentRead: true }));
    return Item ? fromItem<LedgerRecord>(Item) : undefined;
  }

  async function getExisting(requestId: string): Promise<LedgerRecord> {
    const record = await get(requestId);
    if (!record) throw new Error(`request ${requestId} vanished from the ledger during a conditional write`);
    return record;
  }

  /** Writes a new record, unless one with its id exists; false then. */
  const putNew = (item: Record<string, unknown>) =>
    conditional(() => client.send(new PutItemCommand({ TableName: tableName, Item: toItem(item), ConditionExpression: 'attribute_not_exists(pk)' })));

  /** Updates one request if `condition` holds; throws ConditionalCheckFailedException otherwise. */
  function update(requestId: string, changes: Update, condition: Condition, returnValues?: ReturnValue) {
    const e = expressions();
    return client.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: keyOf(requestId),
        UpdateExpression: e.update(changes),
        ConditionExpression: e.condition(condition),
        ...e.attributes(),
        ReturnValues: returnValues,
      }),
    );
  }

  /**
   * Updates a request only while `claimToken` still holds it. A write that gives the request up (release,
   * complete) also sets `settledBy`: if its reply was lost, the SDK's retry fails the condition, and the
   * record read back shows the write was this claim's own.
   */
  async function updateClaimed(requestId: string, claimToken: string, changes: Update) {
    const held = await conditional(() => update(requestId, changes, when`claimToken = ${claimToken}`));
    if (!held && (await get(requestId))?.settledBy !== claimToken) throw new LeaseLostError(requestId);
  }

  return {
    get,

    async create(request: NewIntakeRequest): Promise<CreateResult> {
      const now = request.now.toISOString();
      const record: LedgerRecord = {
        requestId: request.requestId,
        status: 'queued',
        source: request.source,
        order: redactPurchase(request.order),
        requestHash: request.requestHash,
        ...(request.owner ? { owner: request.owner } : {}),
        attempts: 0,
        createToken: request.createToken,
        createdAt: now,
        updatedAt: now,
      };
      if (await putNew({ pk: request.requestId, ...record, unqueued: UNQUEUED, unqueuedSince: request.now.getTime(), expiresAt: expiresAt(request.now) })) return { created: true };
      const existing = await getExisting(request.requestId);
      // This create's own write, whose reply was lost: the SDK's retry met it.
      return existing.createToken === request.createToken ? { created: true } : { created: false, existing };
    },

    async markEnqueued(requestId, now) {
      await conditional(() => update(requestId, { set: { enqueuedAt: now.toISOString() }, remove: ['unqueued', 'unqueuedSince'] }, when`attribute_exists(unqueued)`));
    },

    async claim(request: ClaimRequest): Promise<ClaimResult> {
      const now = request.now.toISOString();
      const nowMs = request.now.getTime();
      const claim: Update = {
        set: {
          status: 'submitting',
          claimToken: request.claimToken,
          leaseUntil: request.leaseUntil,
          updatedAt: now,
          expiresAt: expiresAt(request.now),
          requestId: request.requestId,
          unsettledItem: unsettledIndexKey(unsettledItemsOf(request.order)),
        },
        // A request straight from the queue has no record yet; one recorded at intake keeps what it has, and
        // an attempt an earlier claim left in flight stays the one to settle.
        setIfMissing: {
          attempts: 0,
          createdAt: now,
          order: redactPurchase(request.order),
          requestHash: request.requestHash,
          source: request.source,
          inFlight: { startedAt: nowMs, claimToken: request.claimToken },
          unsettledSince: nowMs,
        },
        // The message was delivered: the request is no longer the sweep's to queue.
        remove: ['unqueued', 'unqueuedSince'],
      };
      const claimable = when`attribute_not_exists(pk) OR (requestHash = ${request.requestHash} AND (#status = ${'queued'} OR (#status = ${'submitting'} AND leaseUntil < ${nowMs})))`;
      try {
        const { Attributes } = await update(request.requestId, claim, claimable, 'ALL_NEW');
        return { claimed: true, record: fromItem<LedgerRecord>(Attributes ?? {}) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const existing = await getExisting(request.requestId);
      // This claim's own write, whose reply was lost: the SDK's retry failed the condition on it.
      if (existing.claimToken === request.claimToken) return { claimed: true, record: existing };
      if (existing.requestHash !== request.requestHash) return { claimed: false, reason: 'conflict', existing };
      return { claimed: false, reason: TERMINAL.has(existing.status) ? 'finished' : 'busy', existing };
    },

    startNextAttempt: (requestId, claimToken, attemptsAnswered, lastError, now) =>
      updateClaimed(requestId, claimToken, {
        set: { attempts: attemptsAnswered, lastError, inFlight: { startedAt: now.getTime(), claimToken }, unsettledSince: now.getTime(), updatedAt: now.toISOString() },
      }),

    markAttemptEnded: (requestId, claimToken, attempt) => updateClaimed(requestId, claimToken, { set: { inFlight: attempt } }),

    release: (requestId, claimToken, { attempts, lastError, unresolved, now }) =>
      updateClaimed(requestId, claimToken, {
        set: { status: 'queued', attempts, lastError, settledBy: claimToken, updatedAt: now.toISOString(), inFlight: unresolved },
        // The mark keeps its place in the unsettled index (set right before the call): moving it now, when the
        // attempt's order may exist, would hide it from rivals' lookups while the index catches up.
        ...(unresolved ? { setIfMissing: { unsettledSince: unresolved.startedAt } } : {}),
        // Without an unresolved attempt the request is settled: off the unsettled index.
        remove: ['claimToken', 'leaseUntil', ...(unresolved ? [] : ['inFlight', 'unsettledItem', 'unsettledSince'])],
      }),

    complete: (requestId, claimToken, { outcome, subscriptionId, subscriptionSource, followUp, keyedWindow }, now) =>
      updateClaimed(requestId, claimToken, {
        set: {
          status: outcome.status,
          attempts: outcome.attempts,
          outcome,
          settledBy: claimToken,
          updatedAt: now.toISOString(),
          expiresAt: expiresAt(now),
          ...(subscriptionId ? { subscriptionId, subscriptionSource } : {}),
          ...(followUp ? followUpAttributes(followUp) : {}),
          keyedWindow,
        },
        // An unknown outcome stays listed as unsettled: its order may exist (or appear later than expected),
        // and must never be claimed by another request. So does a purchase found by its key, with no subscription id.
        remove: ['claimToken', 'leaseUntil', 'lastError', 'inFlight', ...(outcome.status === 'unknown' || keyedWindow ? [] : ['unsettledItem', 'unsettledSince'])],
      }),

    async recordRejectedMessage(requestId, outcome, now) {
      const record: LedgerRecord = {
        requestId,
        status: outcome.status,
        source: 'queue',
        attempts: 0,
        outcome,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      if (await putNew({ pk: requestId, ...record, expiresAt: expiresAt(now) })) return { recorded: true };
      return { recorded: false, existing: (await get(requestId))?.outcome };
    },

    async recordDeliveryFailure(requestId, reason, receiveCount, now) {
      const changes = { set: { deliveryFailure: { reason, receiveCount, at: now.toISOString() }, updatedAt: now.toISOString() } };
      await conditional(() => update(requestId, changes, when`attribute_exists(pk)`));
    },

    async unsettledAttempts(itemId, from, to) {
      // An order of several items is indexed under MULTI_ITEM: it is a rival to each of its items.
      const found = await Promise.all(
        [itemId, MULTI_ITEM].map(async (indexed) => {
          const e = expressions();
          const { Items = [] } = await client.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: LEDGER_TABLE.unsettledIndex,
              KeyConditionExpression: e.condition(when`unsettledItem = ${indexed} AND unsettledSince BETWEEN ${from} AND ${to}`),
              ...e.attributes(),
            }),
          );
          return Items.map((item) => {
            const { pk, unsettledSince } = unmarshall(item);
            return { requestId: String(pk), since: Number(unsettledSince) };
          });
        }),
      );
      return found.flat();
    },
  };
}
