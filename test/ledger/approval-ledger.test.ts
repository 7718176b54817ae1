import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDbApprovalLedger } from '../../lib/ledger/dynamodb-approval-ledger.ts';
import { createDynamoDbRequestLedger } from '../../lib/ledger/dynamodb-request-ledger.ts';
import type { LedgerTable } from '../../lib/ledger/dynamodb-table.ts';
import { LeaseLostError } from '../../lib/ledger/request-ledger.ts';
import { type ApprovalHold, awaitingApproval } from '../../lib/order/approval.ts';
import { order, useLedgerTable } from './support.ts';

const newTable = useLedgerTable();
const T0 = new Date('2026-11-30T10:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

const holdOf = (requestId: string, expiresAt: Date): ApprovalHold => ({
  event: awaitingApproval({
    requestId,
    totals: { USD: 120_000 },
    reasons: ['order total above 1,000.00 USD'],
    expiresAt: expiresAt.toISOString(),
    requestedAt: T0.toISOString(),
    at: T0.toISOString(),
  }),
});

async function rawItem({ client, tableName }: LedgerTable, pk: string) {
  const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
  return Item && unmarshall(Item);
}

/** A table with one claimed request per id, claim token `k-<id>`. */
async function withClaimed(...requestIds: string[]) {
  const table = await newTable();
  const requests = createDynamoDbRequestLedger(table);
  for (const requestId of requestIds) {
    await requests.claim({ requestId, source: 'http', order: order(), requestHash: 'h', now: T0, claimToken: `k-${requestId}`, leaseUntil: at(30_000).getTime() });
  }
  return { table, requests, approvals: createDynamoDbApprovalLedger(table) };
}

describe('DynamoDB approval ledger', () => {
  it('parks a claimed request: no claim, nothing in flight, listed by its expiry', async () => {
    const { table, approvals } = await withClaimed('r1');
    const hold = holdOf('r1', at(3_600_000));
    await approvals.park('r1', 'k-r1', hold, at(1_000));
    const item = await rawItem(table, 'r1');
    expect(item).toMatchObject({ status: 'awaiting_approval', approvalHold: hold, awaitingApproval: 'awaiting', approvalExpiresAt: at(3_600_000).getTime() });
    for (const gone of ['claimToken', 'leaseUntil', 'inFlight', 'unsettledItem', 'unsettledSince']) expect(item).not.toHaveProperty(gone);
  });

  it('parks only while the claim holds', async () => {
    const { approvals } = await withClaimed('r1');
    await expect(approvals.park('r1', 'k-other', holdOf('r1', at(60_000)), at(1_000))).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('records the first decision only, puts the request back to queued and lists it for the sweep', async () => {
    const { table, approvals } = await withClaimed('r1');
    await approvals.park('r1', 'k-r1', holdOf('r1', at(60_000)), at(1_000));
    const approved = { decision: 'approved' as const, by: 'arn:aws:iam::111122223333:user/ana', at: at(2_000).toISOString() };
    await expect(approvals.decide('r1', approved, at(2_000))).resolves.toMatchObject({ decided: true, record: { status: 'queued', approval: approved } });
    const item = await rawItem(table, 'r1');
    expect(item).toMatchObject({ unqueued: 'unqueued', unqueuedSince: at(2_000).getTime() });
    expect(item).not.toHaveProperty('awaitingApproval');
    expect(item).not.toHaveProperty('approvalExpiresAt');
    const denied = { decision: 'denied' as const, by: 'someone-else', at: at(3_000).toISOString() };
    await expect(approvals.decide('r1', denied, at(3_000))).resolves.toMatchObject({ decided: false, reason: 'not_awaiting', record: { approval: approved } });
    await expect(approvals.decide('nobody', denied, at(3_000))).resolves.toEqual({ decided: false, reason: 'missing' });
  });

  it('lists the parked requests whose wait has ended, up to a limit', async () => {
    const { approvals } = await withClaimed('soon', 'sooner', 'later', 'decided');
    await approvals.park('soon', 'k-soon', holdOf('soon', at(60_000)), T0);
    await approvals.park('sooner', 'k-sooner', holdOf('sooner', at(30_000)), T0);
    await approvals.park('later', 'k-later', holdOf('later', at(120_000)), T0);
    await approvals.park('decided', 'k-decided', holdOf('decided', at(10_000)), T0);
    await approvals.decide('decided', { decision: 'denied', by: 'x', at: T0.toISOString() }, T0);
    await expect(approvals.expired(at(60_000), 10)).resolves.toEqual(['sooner', 'soon']);
    await expect(approvals.expired(at(60_000), 1)).resolves.toEqual(['sooner']);
  });
});
