import { describe, expect, it } from 'vitest';
import { createDynamoDbPurchaseKeyLedger } from '../../lib/ledger/dynamodb-purchase-key-ledger.ts';
import type { PurchaseKeyHold } from '../../lib/ledger/purchase-key-ledger.ts';
import { useLedgerTable } from './support.ts';

const newTable = useLedgerTable();
const T0 = new Date('2026-11-30T10:00:00.000Z');
const holdOf = (requestId: string, baseline: PurchaseKeyHold['baseline'] = { kind: 'vps', vmIds: [7] }): PurchaseKeyHold => ({
  key: 'vps:web-1.example.com',
  requestId,
  baseline,
  heldAt: T0.toISOString(),
});

describe('DynamoDB purchase-key ledger', () => {
  it('lets one request at a time hold a key; the holder asking again keeps its first baseline', async () => {
    const keys = createDynamoDbPurchaseKeyLedger(await newTable());
    await expect(keys.get('vps:web-1.example.com')).resolves.toBeUndefined();
    await expect(keys.hold(holdOf('r1'))).resolves.toEqual({ held: true, hold: holdOf('r1') });
    await expect(keys.hold(holdOf('r2'))).resolves.toEqual({ held: false, holder: 'r1' });
    await expect(keys.hold(holdOf('r1', { kind: 'vps', vmIds: [7, 8] }))).resolves.toEqual({ held: true, hold: holdOf('r1') });
  });

  it('frees a key for the next request only when its holder releases it', async () => {
    const keys = createDynamoDbPurchaseKeyLedger(await newTable());
    await keys.hold(holdOf('r1'));
    await keys.release('vps:web-1.example.com', 'r2', T0);
    await expect(keys.hold(holdOf('r2'))).resolves.toMatchObject({ held: false, holder: 'r1' });
    await keys.release('vps:web-1.example.com', 'r1', T0);
    await expect(keys.get('vps:web-1.example.com')).resolves.toMatchObject({ requestId: 'r1', releasedAt: T0.toISOString() });
    await expect(keys.hold(holdOf('r2'))).resolves.toEqual({ held: true, hold: holdOf('r2') });
  });
});
