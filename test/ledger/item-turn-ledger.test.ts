import { describe, expect, it } from 'vitest';
import { createDynamoDbItemTurnLedger } from '../../lib/ledger/dynamodb-item-turn-ledger.ts';
import { useLedgerTable } from './support.ts';

const newTable = useLedgerTable();
const ITEM = 'hostingercom-vps-kvm2-usd-1m';
const NOW = 1_000_000;

/** The item turns of one fresh ledger table, as two deliveries (a and b) on the same item see them. */
const turns = async () => createDynamoDbItemTurnLedger(await newTable());

describe('DynamoDB item turns', () => {
  it('gives a free item to whoever asks, refuses it to another owner until it ends, then gives it again', async () => {
    const ledger = await turns();
    await expect(ledger.take(ITEM, 'a', NOW + 5_000, NOW)).resolves.toEqual({ taken: true });
    await expect(ledger.take(ITEM, 'b', NOW + 6_000, NOW + 1_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 5_000, hold: 'lease' });
    // Turns are per item: another item is free.
    await expect(ledger.take('hostingercom-vps-kvm1-usd-1m', 'b', NOW + 6_000, NOW + 1_000)).resolves.toEqual({ taken: true });
    // At heldUntil the turn has ended by itself.
    await expect(ledger.take(ITEM, 'b', NOW + 10_000, NOW + 5_000)).resolves.toEqual({ taken: true });
    await expect(ledger.take(ITEM, 'a', NOW + 11_000, NOW + 6_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 10_000, hold: 'lease' });
  });

  it('gives the owner its own turn again (a retried write whose reply was lost), for the new time', async () => {
    const ledger = await turns();
    await ledger.take(ITEM, 'a', NOW + 5_000, NOW);
    await expect(ledger.take(ITEM, 'a', NOW + 7_000, NOW + 100)).resolves.toEqual({ taken: true });
    await expect(ledger.take(ITEM, 'b', NOW + 9_000, NOW + 6_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 7_000, hold: 'lease' });
  });

  it('blocks the item over another owner’s lease, and never shortens a block', async () => {
    const ledger = await turns();
    await ledger.take(ITEM, 'a', NOW + 5_000, NOW);
    await ledger.block(ITEM, 'b', NOW + 20_000);
    await expect(ledger.take(ITEM, 'a', NOW + 6_000, NOW + 1_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 20_000, hold: 'block' });
    // A shorter block (by anyone) leaves the longer one, and its owner, in place.
    await ledger.block(ITEM, 'c', NOW + 10_000);
    await ledger.block(ITEM, 'b', NOW + 15_000);
    await expect(ledger.take(ITEM, 'c', NOW + 6_000, NOW + 1_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 20_000, hold: 'block' });
    // A longer one replaces it.
    await ledger.block(ITEM, 'c', NOW + 30_000);
    await expect(ledger.take(ITEM, 'b', NOW + 6_000, NOW + 21_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 30_000, hold: 'block' });
    await expect(ledger.take(ITEM, 'b', NOW + 36_000, NOW + 30_000)).resolves.toEqual({ taken: true });
  });

  it('holds the item against its own owner too while blocked: a delivery never attempts inside its own ambiguous window', async () => {
    const ledger = await turns();
    await ledger.block(ITEM, 'a', NOW + 20_000);
    await expect(ledger.take(ITEM, 'a', NOW + 6_000, NOW + 1_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 20_000, hold: 'block' });
  });

  it('makes its owner’s lease the block even when the lease would end later (a fast 5xx), and no one else’s', async () => {
    const ledger = await turns();
    await ledger.take(ITEM, 'a', NOW + 12_000, NOW);
    await ledger.block(ITEM, 'a', NOW + 10_500);
    await expect(ledger.take(ITEM, 'a', NOW + 13_000, NOW + 1_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 10_500, hold: 'block' });
    await expect(ledger.take(ITEM, 'b', NOW + 13_000, NOW + 1_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 10_500, hold: 'block' });

    // Another owner's shorter block under a longer lease is kept with it: the lease's owner, once answered,
    // gives the item back only down to the blocked window (test/ledger/item-turn-blocks-given-back.test.ts).
    await ledger.take('hostingercom-vps-kvm1-usd-1m', 'a', NOW + 12_000, NOW);
    await ledger.block('hostingercom-vps-kvm1-usd-1m', 'b', NOW + 10_500);
    await ledger.release('hostingercom-vps-kvm1-usd-1m', 'a');
    await expect(ledger.take('hostingercom-vps-kvm1-usd-1m', 'c', NOW + 13_000, NOW + 1_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 10_500, hold: 'block' });
  });

  it('blocks a free item', async () => {
    const ledger = await turns();
    await ledger.block(ITEM, 'a', NOW + 8_000);
    await expect(ledger.take(ITEM, 'b', NOW + 5_000, NOW)).resolves.toEqual({ taken: false, heldUntil: NOW + 8_000, hold: 'block' });
  });

  it('lets only the owner give a turn back: a release by anyone else changes nothing', async () => {
    const ledger = await turns();
    await ledger.take(ITEM, 'a', NOW + 5_000, NOW);
    await ledger.release(ITEM, 'b');
    await expect(ledger.take(ITEM, 'b', NOW + 6_000, NOW + 1_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 5_000, hold: 'lease' });
    await ledger.release(ITEM, 'a');
    await expect(ledger.take(ITEM, 'b', NOW + 6_000, NOW + 1_000)).resolves.toEqual({ taken: true });
  });

  it('leaves another owner’s block in place when the lease it took over is given back', async () => {
    const ledger = await turns();
    await ledger.take(ITEM, 'a', NOW + 5_000, NOW);
    await ledger.block(ITEM, 'b', NOW + 20_000);
    await ledger.release(ITEM, 'a');
    await expect(ledger.take(ITEM, 'c', NOW + 6_000, NOW + 1_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 20_000, hold: 'block' });
  });

  it('frees the item when its owner gives its block back (the ambiguous attempt was settled)', async () => {
    const ledger = await turns();
    await ledger.block(ITEM, 'a', NOW + 20_000);
    await ledger.release(ITEM, 'a');
    await expect(ledger.take(ITEM, 'b', NOW + 6_000, NOW + 1_000)).resolves.toEqual({ taken: true });
    // A release with nothing held (given back already, or never taken) is harmless.
    await ledger.release(ITEM, 'a');
    await ledger.release('never-taken', 'a');
    await expect(ledger.take(ITEM, 'c', NOW + 7_000, NOW + 2_000)).resolves.toEqual({ taken: false, heldUntil: NOW + 6_000, hold: 'lease' });
  });
});
