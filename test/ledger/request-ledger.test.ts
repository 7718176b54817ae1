import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDbRequestLedger } from '../../lib/ledger/dynamodb-request-ledger.ts';
import type { LedgerTable } from '../../lib/ledger/dynamodb-table.ts';
import { type ClaimRequest, LeaseLostError } from '../../lib/ledger/request-ledger.ts';
import { order, outcomeOf, useLedgerTable } from './support.ts';

const newTable = useLedgerTable();
const T0 = new Date('2026-11-30T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** The raw item, with the attributes the ledger keeps off LedgerRecord (index keys, expiry). */
async function rawItem({ client, tableName }: LedgerTable, pk: string) {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
  return Item && unmarshall(Item);
}

async function setup() {
  const table = await newTable();
  return { table, ledger: createDynamoDbRequestLedger(table) };
}

const claimOf = (requestId: string, claimToken: string, fields: Partial<ClaimRequest> = {}): ClaimRequest => ({
  requestId,
  source: 'queue',
  order: order(),
  requestHash: 'hash-1',
  now: T0,
  claimToken,
  leaseUntil: T0.getTime() + 30_000,
  ...fields,
});

describe('DynamoDB request ledger', () => {
  describe('create', () => {
    it('records a queued request, listed as not yet known to be queued', async () => {
      const { table, ledger } = await setup();
      await expect(ledger.create({ requestId: 'r1', source: 'http', order: order(), requestHash: 'hash-1', createToken: 'c1', now: T0 })).resolves.toEqual({ created: true });
      expect(await ledger.get('r1')).toMatchObject({ requestId: 'r1', status: 'queued', source: 'http', attempts: 0, requestHash: 'hash-1', createdAt: T0.toISOString() });
      expect(await rawItem(table, 'r1')).toMatchObject({ unqueued: 'unqueued', unqueuedSince: T0.getTime(), expiresAt: Math.floor(T0.getTime() / 1000) + 90 * 24 * 3600 });
    });

    it('returns the existing record to another create of the same id, and recognises its own lost write', async () => {
      const { ledger } = await setup();
      const request = { requestId: 'r1', source: 'http' as const, order: order(), requestHash: 'hash-1', createToken: 'c1', now: T0 };
      await ledger.create(request);
      await expect(ledger.create({ ...request, createToken: 'c2', requestHash: 'hash-2' })).resolves.toMatchObject({ created: false, existing: { requestHash: 'hash-1' } });
      // The same create again (the SDK's retry after a lost reply) meets its own record.
      await expect(ledger.create(request)).resolves.toEqual({ created: true });
    });
  });

  describe('markEnqueued', () => {
    it('takes the request off the sweep index, and creates nothing for an unknown id', async () => {
      const { table, ledger } = await setup();
      await ledger.create({ requestId: 'r1', source: 'http', order: order(), requestHash: 'hash-1', createToken: 'c1', now: T0 });
      await ledger.markEnqueued('r1', at(5));
      const item = await rawItem(table, 'r1');
      expect(item).toMatchObject({ enqueuedAt: at(5).toISOString() });
      expect(item).not.toHaveProperty('unqueued');
      expect(item).not.toHaveProperty('unqueuedSince');
      await ledger.markEnqueued('r1', at(9));
      expect(await rawItem(table, 'r1')).toMatchObject({ enqueuedAt: at(5).toISOString() });
      await ledger.markEnqueued('nobody', at(5));
      expect(await rawItem(table, 'nobody')).toBeUndefined();
    });
  });

  describe('claim', () => {
    it('creates and claims a request that came straight from the queue, its first attempt in flight', async () => {
      const { table, ledger } = await setup();
      const claim = await ledger.claim(claimOf('r1', 'k1'));
      expect(claim).toMatchObject({
        claimed: true,
        record: {
          requestId: 'r1',
          status: 'submitting',
          source: 'queue',
          attempts: 0,
          claimToken: 'k1',
          leaseUntil: T0.getTime() + 30_000,
          inFlight: { startedAt: T0.getTime(), claimToken: 'k1' },
        },
      });
      expect(await rawItem(table, 'r1')).toMatchObject({ unsettledItem: 'hostingercom-vps-kvm2-usd-1m', unsettledSince: T0.getTime() });
    });

    it('claims a queued request and takes it off the sweep index', async () => {
      const { table, ledger } = await setup();
      await ledger.create({ requestId: 'r1', source: 'http', order: order(), requestHash: 'hash-1', createToken: 'c1', now: T0 });
      await expect(ledger.claim(claimOf('r1', 'k1', { now: at(10) }))).resolves.toMatchObject({ claimed: true, record: { source: 'http', createdAt: T0.toISOString() } });
      expect(await rawItem(table, 'r1')).not.toHaveProperty('unqueued');
    });

    it('refuses a live lease (busy), takes over an expired one, keeps the attempt an earlier claim left in flight', async () => {
      const { ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      await expect(ledger.claim(claimOf('r1', 'k2', { now: at(29_999) }))).resolves.toMatchObject({ claimed: false, reason: 'busy', existing: { claimToken: 'k1' } });
      await expect(ledger.claim(claimOf('r1', 'k2', { now: at(30_001), leaseUntil: at(60_000).getTime() }))).resolves.toMatchObject({
        claimed: true,
        record: { claimToken: 'k2', inFlight: { claimToken: 'k1', startedAt: T0.getTime() } },
      });
    });

    it('says conflict for another order under the same id, finished for a decided one', async () => {
      const { ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      await expect(ledger.claim(claimOf('r1', 'k2', { requestHash: 'hash-2', now: at(60_000) }))).resolves.toMatchObject({ claimed: false, reason: 'conflict' });
      await ledger.complete('r1', 'k1', { outcome: outcomeOf('r1', 'succeeded') }, at(1));
      await expect(ledger.claim(claimOf('r1', 'k3', { now: at(60_000) }))).resolves.toMatchObject({ claimed: false, reason: 'finished', existing: { status: 'succeeded' } });
    });

    it('recognises its own write when the reply was lost (the same claim token)', async () => {
      const { ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      await expect(ledger.claim(claimOf('r1', 'k1'))).resolves.toMatchObject({ claimed: true, record: { claimToken: 'k1' } });
    });

    it('indexes an order of several items under the multi-item key', async () => {
      const { table, ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1', { order: order('item-a', 'item-b') }));
      expect(await rawItem(table, 'r1')).toMatchObject({ unsettledItem: '*' });
    });
  });

  describe('startNextAttempt', () => {
    it('records the answers so far and marks the next attempt in flight', async () => {
      const { table, ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      await ledger.startNextAttempt('r1', 'k1', 1, { message: 'HTTP 503', httpStatus: 503 }, at(2_000));
      expect(await ledger.get('r1')).toMatchObject({ attempts: 1, lastError: { httpStatus: 503 }, inFlight: { startedAt: at(2_000).getTime(), claimToken: 'k1' } });
      expect(await rawItem(table, 'r1')).toMatchObject({ unsettledSince: at(2_000).getTime() });
      // Without an error the last one stays.
      await ledger.startNextAttempt('r1', 'k1', 2, undefined, at(4_000));
      expect(await ledger.get('r1')).toMatchObject({ attempts: 2, lastError: { httpStatus: 503 } });
    });

    it('fails with LeaseLostError once another worker holds the request', async () => {
      const { ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      await ledger.claim(claimOf('r1', 'k2', { now: at(31_000), leaseUntil: at(61_000).getTime() }));
      await expect(ledger.startNextAttempt('r1', 'k1', 1, undefined, at(32_000))).rejects.toBeInstanceOf(LeaseLostError);
    });
  });

  describe('release', () => {
    it('gives the request back to the queue, settled when no attempt is unresolved', async () => {
      const { table, ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      await ledger.release('r1', 'k1', { attempts: 1, lastError: { message: 'HTTP 429', httpStatus: 429 }, now: at(1_000) });
      const item = await rawItem(table, 'r1');
      expect(item).toMatchObject({ status: 'queued', attempts: 1, lastError: { httpStatus: 429 }, settledBy: 'k1' });
      for (const gone of ['claimToken', 'leaseUntil', 'inFlight', 'unsettledItem', 'unsettledSince']) expect(item).not.toHaveProperty(gone);
    });

    it('keeps an unresolved attempt marked for the next delivery', async () => {
      const { table, ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      const unresolved = { startedAt: at(500).getTime(), claimToken: 'k1', answeredAt: at(900).getTime(), answeredStatus: 502 };
      await ledger.release('r1', 'k1', { attempts: 1, lastError: { message: 'HTTP 502', httpStatus: 502 }, unresolved, now: at(1_000) });
      // The mark keeps its place in the unsettled index (the claim's, set right before the call): moving it
      // while the attempt's order may exist would hide it from rivals until a lagging index catches up.
      expect(await rawItem(table, 'r1')).toMatchObject({ status: 'queued', inFlight: unresolved, unsettledItem: 'hostingercom-vps-kvm2-usd-1m', unsettledSince: T0.getTime() });
    });

    it('accepts its own write again (a lost reply) but not another claim’s', async () => {
      const { ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      const update = { attempts: 1, lastError: { message: 'HTTP 429' }, now: at(1_000) };
      await ledger.release('r1', 'k1', update);
      await expect(ledger.release('r1', 'k1', update)).resolves.toBeUndefined();
      await expect(ledger.release('r1', 'k9', update)).rejects.toBeInstanceOf(LeaseLostError);
    });
  });

  describe('complete', () => {
    it('stores the outcome and the subscription bought, and settles the attempt', async () => {
      const { table, ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      const outcome = outcomeOf('r1', 'succeeded');
      await ledger.complete('r1', 'k1', { outcome, subscriptionId: 'sub-1', subscriptionSource: 'answer' }, at(1_000));
      const item = await rawItem(table, 'r1');
      expect(item).toMatchObject({ status: 'succeeded', attempts: 1, outcome, subscriptionId: 'sub-1', subscriptionSource: 'answer', settledBy: 'k1' });
      for (const gone of ['claimToken', 'leaseUntil', 'lastError', 'inFlight', 'unsettledItem', 'unsettledSince']) expect(item).not.toHaveProperty(gone);
    });

    it('keeps an unknown outcome listed as unsettled: its order may exist', async () => {
      const { table, ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      await ledger.complete('r1', 'k1', { outcome: outcomeOf('r1', 'unknown') }, at(1_000));
      expect(await rawItem(table, 'r1')).toMatchObject({ status: 'unknown', unsettledItem: 'hostingercom-vps-kvm2-usd-1m', unsettledSince: T0.getTime() });
    });

    it('fails with LeaseLostError for a claim that no longer holds the request', async () => {
      const { ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      await expect(ledger.complete('r1', 'k2', { outcome: outcomeOf('r1', 'failed') }, at(1_000))).rejects.toBeInstanceOf(LeaseLostError);
      expect(await ledger.get('r1')).toMatchObject({ status: 'submitting' });
    });
  });

  describe('recordRejectedMessage', () => {
    it('records a rejection once, and shows the outcome already stored under a taken id', async () => {
      const { ledger } = await setup();
      const rejected = outcomeOf('r1', 'rejected', { attempts: 0 });
      await expect(ledger.recordRejectedMessage('r1', rejected, T0)).resolves.toEqual({ recorded: true });
      expect(await ledger.get('r1')).toMatchObject({ status: 'rejected', source: 'queue', outcome: rejected });
      await expect(ledger.recordRejectedMessage('r1', outcomeOf('r1', 'rejected', { outcomeId: 'other' }), T0)).resolves.toEqual({ recorded: false, existing: rejected });
      await ledger.claim(claimOf('r2', 'k1'));
      await expect(ledger.recordRejectedMessage('r2', rejected, T0)).resolves.toEqual({ recorded: false, existing: undefined });
    });
  });

  describe('recordDeliveryFailure', () => {
    it('notes why the last delivery failed, on an existing request only', async () => {
      const { ledger } = await setup();
      await ledger.claim(claimOf('r1', 'k1'));
      await ledger.recordDeliveryFailure('r1', 'secrets down', 5, at(1_000));
      expect(await ledger.get('r1')).toMatchObject({
        deliveryFailure: { reason: 'secrets down', receiveCount: 5, at: at(1_000).toISOString() },
        updatedAt: at(1_000).toISOString(),
      });
      await ledger.recordDeliveryFailure('nobody', 'secrets down', 5, at(1_000));
      expect(await ledger.get('nobody')).toBeUndefined();
    });
  });

  describe('unsettledAttempts', () => {
    it('finds unsettled attempts on the item, and on orders of several items, within the window', async () => {
      const { ledger } = await setup();
      await ledger.claim(claimOf('single', 'k1', { order: order('item-a') }));
      await ledger.claim(claimOf('multi', 'k2', { order: order('item-b', 'item-a'), now: at(1_000) }));
      await ledger.claim(claimOf('other-item', 'k3', { order: order('item-c') }));
      await ledger.claim(claimOf('too-late', 'k4', { order: order('item-a'), now: at(10_001) }));
      await ledger.claim(claimOf('settled', 'k5', { order: order('item-a') }));
      await ledger.complete('settled', 'k5', { outcome: outcomeOf('settled', 'failed') }, at(2_000));
      const found = await ledger.unsettledAttempts('item-a', T0.getTime(), at(10_000).getTime());
      expect(found.sort((a, b) => a.since - b.since)).toEqual([
        { requestId: 'single', since: T0.getTime() },
        { requestId: 'multi', since: at(1_000).getTime() },
      ]);
    });
  });
});
