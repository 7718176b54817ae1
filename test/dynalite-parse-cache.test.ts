import { CreateTableCommand, DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDb } from '../local/aws/dynamodb.ts';
import type { Upstream } from '../local/aws/upstream.ts';

let dynamodb: Upstream;
let client: DynamoDBClient;
beforeAll(async () => {
  dynamodb = await startDynamoDb();
  client = new DynamoDBClient({ endpoint: dynamodb.origin, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
  await client.send(
    new CreateTableCommand({
      TableName: 'parses',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
});
afterAll(async () => {
  client.destroy();
  await dynamodb.close();
});

const claim = (pk: string, status: string, values: Record<string, { S: string } | { N: string }> = {}) =>
  client.send(
    new UpdateItemCommand({
      TableName: 'parses',
      Key: { pk: { S: pk } },
      UpdateExpression: 'SET #status = :status, attempts = if_not_exists(attempts, :zero)',
      ConditionExpression: 'attribute_not_exists(pk) OR #status = :queued',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': { S: status }, ':zero': { N: '0' }, ':queued': { S: 'queued' }, ...values },
    }),
  );
const statusOf = async (pk: string) => (await client.send(new GetItemCommand({ TableName: 'parses', Key: { pk: { S: pk } } }))).Item?.status?.S;

describe("the local DynamoDB's cache of parsed expressions", () => {
  it('applies each repeat of an expression with its own values, conditions included', async () => {
    await claim('a', 'queued');
    await claim('b', 'submitting');
    expect(await statusOf('a')).toBe('queued');
    expect(await statusOf('b')).toBe('submitting');
    await claim('a', 'done');
    expect(await statusOf('a')).toBe('done');
    // The condition is evaluated with this call's values: 'b' is not queued, so the repeat is refused.
    await expect(claim('b', 'done')).rejects.toThrow(/conditional request failed/i);
  });

  it('still refuses a value the expressions do not use, and a malformed expression', async () => {
    await expect(claim('c', 'queued', { ':spare': { S: 'x' } })).rejects.toThrow(/unused in expressions/);
    await expect(
      client.send(new UpdateItemCommand({ TableName: 'parses', Key: { pk: { S: 'd' } }, UpdateExpression: 'SET = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } })),
    ).rejects.toThrow(/Syntax error/);
  });
});
