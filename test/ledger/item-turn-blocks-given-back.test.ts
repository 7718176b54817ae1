import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDbItemTurnLedger } from '../../lib/ledger/dynamodb-item-turn-ledger.ts';
import { useLedgerTable } from './support.ts';

/**
 * Found in review (adv5): giving a hold back ends the item's turn at once (heldUntil 0), whatever other
 * holds it had absorbed. One `turn#<item>` item keeps one owner and one time, so a block written over another
 * unsettled attempt's block or lease, or refused under it, is forgotten when the surviving holder gives it
 * back: the item is free inside a window that is still open (overlapping windows: both attempts unknown).
 */
const newTable = useLedgerTable();
const ITEM = 'hostingercom-vps-kvm2-usd-1m';
const T = 1_000_000;

describe('item turns given back while another attempt’s window is still open', () => {
  it('a later, longer block given back (its attempt settled) keeps the earlier block’s window held', async () => {
    const ledger = createDynamoDbItemTurnLedger(await newTable());
    await ledger.block(ITEM, 'c', T + 10_000); // C's attempt, unsettled
    await ledger.block(ITEM, 'a', T + 15_000); // A's, a moment later: replaces C's block
    await ledger.release(ITEM, 'a'); // A's check settles fast (a 500 checked after 1 s)
    await expect(ledger.take(ITEM, 'b', T + 22_000, T + 3_000)).resolves.toMatchObject({ taken: false });
  });

  it('a shorter block refused under a longer one holds the item once the longer one is given back', async () => {
    const ledger = createDynamoDbItemTurnLedger(await newTable());
    await ledger.block(ITEM, 'c', T + 15_000);
    await ledger.block(ITEM, 'a', T + 10_000); // refused: C's is longer
    await ledger.release(ITEM, 'c'); // C settled
    await expect(ledger.take(ITEM, 'b', T + 22_000, T + 3_000)).resolves.toMatchObject({ taken: false });
  });

  it('a block that took a lease over, given back, does not free the item while the lease’s attempt is still calling', async () => {
    const ledger = createDynamoDbItemTurnLedger(await newTable());
    await expect(ledger.take(ITEM, 'b', T + 22_000, T)).resolves.toEqual({ taken: true }); // B calls Hostinger
    await ledger.block(ITEM, 'a', T + 10_000); // A (no turn: its container had not seen the item careful) ends ambiguous
    await ledger.release(ITEM, 'a'); // A settled; B still calling
    await expect(ledger.take(ITEM, 'c', T + 30_000, T + 9_000)).resolves.toMatchObject({ taken: false });
  });

  it('a block whose takeover of a lease loses the race with the lease’s release still holds the item', async () => {
    const table = await newTable();
    const plain = createDynamoDbItemTurnLedger(table);
    let armed = false;
    // The lease's owner is answered and gives its turn back between the block's read and its takeover.
    const send = (async (command: unknown) => {
      const reply = await table.client.send(command as never);
      if (armed && command instanceof GetItemCommand) {
        armed = false;
        await plain.release(ITEM, 'b');
      }
      return reply;
    }) as typeof table.client.send;
    const racing = createDynamoDbItemTurnLedger({ ...table, client: { send } as typeof table.client });
    await plain.take(ITEM, 'b', T + 22_000, T);
    armed = true;
    await racing.block(ITEM, 'a', T + 10_000);
    await expect(plain.take(ITEM, 'c', T + 30_000, T + 3_000)).resolves.toMatchObject({ taken: false });
  });
});
