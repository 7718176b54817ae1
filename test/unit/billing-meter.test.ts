import { describe, expect, it } from 'vitest';
import { createBillingMeter } from '../../local/aws/billing-meter.ts';

const json = (value: object) => Buffer.from(JSON.stringify(value));
const TABLE = {
  TableName: 'ledger',
  GlobalSecondaryIndexes: [
    { IndexName: 'byUnqueued', KeySchema: [{ AttributeName: 'unqueued' }, { AttributeName: 'unqueuedSince' }] },
    { IndexName: 'byFollowUp', KeySchema: [{ AttributeName: 'followUpOpen' }] },
  ],
};

describe('the billing meter of the local AWS endpoint', () => {
  it('counts SQS and SNS requests per started 64 KB chunk of their payload', () => {
    const meter = createBillingMeter();
    meter.noteRequest('sqs.SendMessage', Buffer.alloc(10));
    meter.noteRequest('sqs.SendMessage', Buffer.alloc(64 * 1024 + 1));
    meter.noteRequest('sns.PublishBatch', Buffer.alloc(0));
    expect(meter.usage().requestChunks).toEqual({ 'sqs.SendMessage': 3, 'sns.PublishBatch': 1 });
  });

  it('asks DynamoDB for the consumed capacity and adds it up as read and write units', () => {
    const meter = createBillingMeter();
    expect(meter.applies('dynamodb.UpdateItem', Buffer.alloc(0))).toBe(true);
    expect(meter.applies('dynamodb.CreateTable', Buffer.alloc(0))).toBe(false);
    expect(JSON.parse(meter.forwarded(json({ TableName: 'ledger' })).toString()).ReturnConsumedCapacity).toBe('TOTAL');
    meter.noteReply('dynamodb.UpdateItem', 200, json({ ConsumedCapacity: { TableName: 'ledger', CapacityUnits: 2 } }));
    meter.noteReply('dynamodb.GetItem', 200, json({ ConsumedCapacity: { TableName: 'ledger', CapacityUnits: 0.5 } }));
    meter.noteReply('dynamodb.PutItem', 400, json({ __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' }));
    expect(meter.usage().dynamodb).toEqual({ readUnits: 0.5, writeUnits: 3, indexWriteUnits: 0 });
  });

  it('estimates a write unit for each index whose key a write sets or removes', () => {
    const meter = createBillingMeter();
    meter.noteRequest('dynamodb.CreateTable', json(TABLE));
    meter.noteRequest('dynamodb.PutItem', json({ TableName: 'ledger', Item: { pk: { S: 'a' }, unqueued: { S: '1' } } }));
    meter.noteRequest(
      'dynamodb.UpdateItem',
      json({ TableName: 'ledger', UpdateExpression: 'SET #s = :s REMOVE #u, followUpOpen', ExpressionAttributeNames: { '#s': 'status', '#u': 'unqueued' } }),
    );
    meter.noteRequest('dynamodb.UpdateItem', json({ TableName: 'ledger', UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' } }));
    expect(meter.usage().dynamodb.indexWriteUnits).toBe(3);
    meter.reset();
    expect(meter.usage()).toEqual({ requestChunks: {}, dynamodb: { readUnits: 0, writeUnits: 0, indexWriteUnits: 0 } });
  });
});
