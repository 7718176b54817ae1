import { describe, expect, it } from 'vitest';
import { createDynamoDbRequestLedger } from '../../lib/ledger/dynamodb-request-ledger.ts';
import { createDynamoDbSubscriptionLedger } from '../../lib/ledger/dynamodb-subscription-ledger.ts';
import { order, outcomeOf, useLedgerTable } from './support.ts';

const newTable = useLedgerTable();
const T0 = new Date('2026-11-30T10:00:00.000Z');

describe('DynamoDB subscription ledger', () => {
  it('knows the subscriptions Hostinger’s own answers gave to requests, not those reconciliation found', async () => {
    const table = await newTable();
    const requests = createDynamoDbRequestLedger(table);
    const subscriptions = createDynamoDbSubscriptionLedger(table);
    const complete = async (requestId: string, subscriptionId: string, subscriptionSource: 'answer' | 'reconciliation') => {
      await requests.claim({ requestId, source: 'queue', order: order(), requestHash: 'h', now: T0, claimToken: requestId, leaseUntil: T0.getTime() + 30_000 });
      await requests.complete(requestId, requestId, { outcome: outcomeOf(requestId, 'succeeded'), subscriptionId, subscriptionSource }, T0);
    };
    await complete('r1', 'sub-1', 'answer');
    await complete('r2', 'sub-2', 'reconciliation');
    await expect(subscriptions.subscriptionsBoughtByAnswer(['sub-1', 'sub-2', 'sub-3'])).resolves.toEqual(new Set(['sub-1']));
    await expect(subscriptions.subscriptionsBoughtByAnswer([])).resolves.toEqual(new Set());
  });

  it('attributes a subscription to one request only (again to the same one)', async () => {
    const subscriptions = createDynamoDbSubscriptionLedger(await newTable());
    await expect(subscriptions.claimSubscription('sub-1', 'r1', T0)).resolves.toBe(true);
    await expect(subscriptions.claimSubscription('sub-1', 'r1', T0)).resolves.toBe(true);
    await expect(subscriptions.claimSubscription('sub-1', 'r2', T0)).resolves.toBe(false);
    await expect(subscriptions.claimSubscription('sub-2', 'r2', T0)).resolves.toBe(true);
  });
});
