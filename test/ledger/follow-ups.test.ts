import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDbFollowUps } from '../../lib/ledger/dynamodb-follow-ups.ts';
import { createDynamoDbRequestLedger } from '../../lib/ledger/dynamodb-request-ledger.ts';
import type { LedgerTable } from '../../lib/ledger/dynamodb-table.ts';
import type { FollowUp } from '../../lib/ledger/follow-ups.ts';
import type { Outcome } from '../../lib/order/outcome.ts';
import { orderResolved } from '../../lib/order/resolution.ts';
import { order, outcomeOf, useLedgerTable } from './support.ts';

const newTable = useLedgerTable();
const T0 = new Date('2026-11-30T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const followUp = (dueIn: number): FollowUp => ({ at: at(dueIn).getTime(), until: at(86_400_000).getTime(), looks: 0 });

async function rawItem({ client, tableName }: LedgerTable, pk: string) {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
  return Item && unmarshall(Item);
}

/** Requests completed with these outcomes, each followed up, the first look due in `dueIn` ms. */
async function completed(...requests: { requestId: string; outcome: Outcome; dueIn?: number }[]) {
  const table = await newTable();
  const ledger = createDynamoDbRequestLedger(table);
  for (const { requestId, outcome, dueIn } of requests) {
    await ledger.claim({ requestId, source: 'queue', order: order(), requestHash: 'h', now: T0, claimToken: requestId, leaseUntil: at(30_000).getTime() });
    await ledger.complete(requestId, requestId, { outcome, ...(dueIn === undefined ? {} : { followUp: followUp(dueIn) }) }, T0);
  }
  return { table, followUps: createDynamoDbFollowUps(table) };
}

describe('DynamoDB follow-ups', () => {
  it('lists the followed-up requests whose next look is due, up to a limit', async () => {
    const { followUps } = await completed(
      { requestId: 'due', outcome: outcomeOf('due', 'pending'), dueIn: 30_000 },
      { requestId: 'due-first', outcome: outcomeOf('due-first', 'unknown'), dueIn: 10_000 },
      { requestId: 'later', outcome: outcomeOf('later', 'pending'), dueIn: 120_000 },
      { requestId: 'not-followed', outcome: outcomeOf('not-followed', 'succeeded') },
    );
    await expect(followUps.due(at(60_000).getTime(), 10)).resolves.toEqual(['due-first', 'due']);
    await expect(followUps.due(at(60_000).getTime(), 1)).resolves.toEqual(['due-first']);
  });

  it('replaces an interim outcome by the final one once, and only the outcome it was told of', async () => {
    const { table, followUps } = await completed({ requestId: 'r1', outcome: outcomeOf('r1', 'pending'), dueIn: 30_000 });
    const final = outcomeOf('r1', 'succeeded', { outcomeId: 'final-r1' });
    await expect(followUps.settle('r1', 'not-the-interim', final, at(40_000))).resolves.toBe(false);
    await expect(followUps.settle('r1', 'outcome-r1', final, at(40_000))).resolves.toBe(true);
    expect(await rawItem(table, 'r1')).toMatchObject({ status: 'succeeded', outcome: final, followUpUnpublished: final, followUpAt: at(40_000).getTime() });
    await expect(followUps.settle('r1', 'outcome-r1', outcomeOf('r1', 'failed'), at(50_000))).resolves.toBe(false);
  });

  it('records what an unknown turned out to be once, and takes it off the unsettled index', async () => {
    const { table, followUps } = await completed({ requestId: 'r1', outcome: outcomeOf('r1', 'unknown'), dueIn: 30_000 });
    expect(await rawItem(table, 'r1')).toHaveProperty('unsettledItem');
    const resolution = { result: 'not_bought' as const, evidence: 'no subscription appeared in 3 days', at: at(40_000).toISOString() };
    const document = orderResolved('r1', 'outcome-r1', resolution);
    await expect(followUps.resolve('r1', document, resolution, at(40_000))).resolves.toBe(true);
    const item = await rawItem(table, 'r1');
    expect(item).toMatchObject({ status: 'unknown', resolution, followUpUnpublished: document });
    expect(item).not.toHaveProperty('unsettledItem');
    await expect(followUps.resolve('r1', document, { ...resolution, result: 'bought' }, at(50_000))).resolves.toBe(false);
  });

  it('keeps a purchase found by its key, whose subscription is not its own yet, on the unsettled index with its window', async () => {
    const { table, followUps } = await completed({ requestId: 'r1', outcome: outcomeOf('r1', 'unknown'), dueIn: 30_000 });
    const resolution = { result: 'bought' as const, evidence: 'domain:x.com shows the purchase', at: at(40_000).toISOString() };
    const keyedWindow = { startedAt: T0.getTime(), endedAt: at(1_000).getTime(), answered: false };
    await expect(followUps.resolve('r1', orderResolved('r1', 'outcome-r1', resolution), resolution, at(40_000), keyedWindow)).resolves.toBe(true);
    const item = await rawItem(table, 'r1');
    expect(item).toMatchObject({ resolution, keyedWindow });
    expect(item).toHaveProperty('unsettledItem');
  });

  it('postpones the next look, and closes the follow-up; nothing happens to a request that is not followed up', async () => {
    const { table, followUps } = await completed(
      { requestId: 'r1', outcome: outcomeOf('r1', 'pending'), dueIn: 30_000 },
      { requestId: 'plain', outcome: outcomeOf('plain', 'succeeded') },
    );
    await followUps.postpone('r1', { ...followUp(90_000), looks: 1 });
    await expect(followUps.due(at(60_000).getTime(), 10)).resolves.toEqual([]);
    await expect(followUps.due(at(90_000).getTime(), 10)).resolves.toEqual(['r1']);
    await followUps.close('r1');
    const item = await rawItem(table, 'r1');
    for (const gone of ['followUp', 'followUpOpen', 'followUpAt', 'followUpUnpublished']) expect(item).not.toHaveProperty(gone);
    await expect(followUps.due(at(90_000).getTime(), 10)).resolves.toEqual([]);
    await followUps.postpone('plain', followUp(1_000));
    expect(await rawItem(table, 'plain')).not.toHaveProperty('followUp');
  });
});
