import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../lib/cli/local-resources.ts';
import type { LedgerTable } from '../../lib/ledger/dynamodb-table.ts';
import type { OrderRequest } from '../../lib/order/order-request.ts';
import type { Outcome } from '../../lib/order/outcome.ts';
import { startDynamoDb } from '../../local/aws/dynamodb.ts';
import { ledgerTableOf, readDeploymentTemplate } from '../../local/deployment-template.ts';

/**
 * The ledger table as serverless.yml defines it, on dynalite alone (no router, no other emulator): the
 * DynamoDB implementations are tested against a real DynamoDB API in well under a second per file.
 * Each call gets a table of its own, so tests in one file do not see each other's items.
 */
export function useLedgerTable(): () => Promise<LedgerTable> {
  let client: DynamoDBClient;
  let close: () => Promise<void>;
  let tables = 0;
  beforeAll(async () => {
    const dynamodb = await startDynamoDb();
    close = dynamodb.close;
    client = new DynamoDBClient({ endpoint: dynamodb.origin, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await close();
  });
  return async () => {
    const tableName = `ledger-${++tables}`;
    await client.send(new CreateTableCommand({ TableName: tableName, ...ledgerTableOf(readDeploymentTemplate()) }));
    // dynalite makes a table ACTIVE on a timer: on a busy machine a first write could still find it CREATING.
    while ((await client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.TableStatus !== 'ACTIVE') {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { client, tableName };
  };
}

export const order = (...itemIds: string[]): OrderRequest =>
  ({ items: (itemIds.length > 0 ? itemIds : ['hostingercom-vps-kvm2-usd-1m']).map((item_id) => ({ item_id, quantity: 1 })) }) as OrderRequest;

export const outcomeOf = (requestId: string, status: Outcome['status'], fields: Partial<Outcome> = {}): Outcome => ({
  version: 1,
  outcomeId: `outcome-${requestId}`,
  type: `order.${status}`,
  status,
  requestId,
  attempts: 1,
  order: null,
  error: null,
  requestedAt: '2026-11-30T00:00:00.000Z',
  completedAt: '2026-11-30T00:00:01.000Z',
  ...fields,
});
