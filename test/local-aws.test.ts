import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidNextTokenException,
  ListSecretsCommand,
  PutSecretValueCommand,
  paginateListSecrets,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, PublishBatchCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalAws, startLocalAws } from '../local/aws/index.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let aws: LocalAws;
let sqs: SQSClient;
let sns: SNSClient;
let dynamodb: DynamoDBClient;
let secretsManager: SecretsManagerClient;

beforeAll(async () => {
  aws = await startLocalAws();
  // Only what any AWS client needs: endpoint, region and (dummy) credentials.
  const config = { endpoint: aws.endpoint, region: aws.region, credentials };
  sqs = new SQSClient(config);
  sns = new SNSClient(config);
  dynamodb = new DynamoDBClient(config);
  secretsManager = new SecretsManagerClient(config);
});

afterAll(() => aws.close());

async function createQueue(name: string, attributes?: Record<string, string>): Promise<{ url: string; arn: string }> {
  const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url: url!, arn: Attributes!.QueueArn! };
}

/** Receives until `count` messages arrived or a poll comes back empty. */
async function receive(queueUrl: string, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    if (Messages.length === 0) break;
    messages.push(...Messages);
  }
  return messages;
}

describe('SQS', () => {
  it('returns queue URLs on the router endpoint', async () => {
    const { url } = await createQueue('urls');
    expect(url).toBe(`${aws.endpoint}/000000000000/urls`);
  });

  it('sends, receives and deletes in batches, keeping message attributes', async () => {
    const { url } = await createQueue('batches');
    const { Successful } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          {
            Id: 'a',
            MessageBody: 'first',
            MessageAttributes: {
              kind: { DataType: 'String', StringValue: 'order' },
              attempt: { DataType: 'Number', StringValue: '3' },
              blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
            },
          },
          { Id: 'b', MessageBody: 'second' },
        ],
      }),
    );
    expect(Successful).toHaveLength(2);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'third' }));

    const messages = await receive(url, 3);
    expect(messages.map((message) => message.Body).sort()).toEqual(['first', 'second', 'third']);
    const first = messages.find((message) => message.Body === 'first')!;
    expect(first.MessageAttributes).toEqual({
      kind: { DataType: 'String', StringValue: 'order' },
      attempt: { DataType: 'Number', StringValue: '3' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
    });

    const { Successful: deleted } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
      }),
    );
    expect(deleted).toHaveLength(3);
    expect(await receive(url, 1)).toEqual([]);
  });

  it('redelivers a message after its visibility timeout, counting receives', async () => {
    const { url } = await createQueue('visibility', { VisibilityTimeout: '1' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
    const receiveWithCount = (waitTimeSeconds: number) =>
      sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: waitTimeSeconds, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));

    const first = await receiveWithCount(0);
    expect(first.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect((await receiveWithCount(0)).Messages).toBeUndefined();
    const second = await receiveWithCount(3);
    expect(second.Messages?.[0]?.Body).toBe('again');
    expect(second.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('moves a message to the dead-letter queue after maxReceiveCount receives', async () => {
    const dlq = await createQueue('orders-dlq');
    const { url } = await createQueue('orders-redrive', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }),
    });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    // VisibilityTimeout 0 hands the message straight back, like a consumer that keeps failing.
    const receiveOnce = () => sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));

    expect((await receiveOnce()).Messages?.[0]?.Body).toBe('poison');
    expect((await receiveOnce()).Messages?.[0]?.Body).toBe('poison');
    expect((await receiveOnce()).Messages).toBeUndefined();
    expect((await receive(dlq.url, 1)).map((message) => message.Body)).toEqual(['poison']);
  });
});

describe('SNS to SQS', () => {
  it('delivers raw and enveloped, applies filter policies, and supports PublishBatch', async () => {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'order-outcomes' }));
    const raw = await createQueue('outcomes-raw');
    const enveloped = await createQueue('outcomes-envelope');
    const placedOnly = await createQueue('outcomes-placed');
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: raw.arn, Attributes: { RawMessageDelivery: 'true' } }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: enveloped.arn }));
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: placedOnly.arn,
        Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ type: ['order.placed'] }) },
      }),
    );

    const typed = (type: string) => ({ type: { DataType: 'String', StringValue: type } });
    await sns.send(new PublishCommand({ TopicArn, Message: 'one', MessageAttributes: typed('order.placed') }));
    const { Successful } = await sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: [
          { Id: 'two', Message: 'two', MessageAttributes: typed('order.failed') },
          { Id: 'three', Message: 'three', MessageAttributes: typed('order.placed') },
        ],
      }),
    );
    expect(Successful).toHaveLength(2);

    const rawMessages = await receive(raw.url, 3);
    expect(rawMessages.map((message) => message.Body).sort()).toEqual(['one', 'three', 'two']);
    expect(rawMessages.find((message) => message.Body === 'two')?.MessageAttributes).toEqual({
      type: { DataType: 'String', StringValue: 'order.failed' },
    });

    const envelopes = (await receive(enveloped.url, 3)).map((message) => JSON.parse(message.Body!));
    expect(envelopes).toHaveLength(3);
    expect(envelopes.find((envelope) => envelope.Message === 'one')).toMatchObject({
      Type: 'Notification',
      TopicArn,
      MessageAttributes: { type: { Type: 'String', Value: 'order.placed' } },
    });

    expect((await receive(placedOnly.url, 3)).map((message) => message.Body).sort()).toEqual(['one', 'three']);
  });
});

describe('DynamoDB', () => {
  const TableName = 'orders-ledger';
  const key = { orderId: { S: 'order-1' } };

  beforeAll(async () => {
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      }),
    );
    // CreateTable answers CREATING, as AWS does; with createTableMs 0 the table is ACTIVE straight after.
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('rejects a second conditional put with ConditionalCheckFailedException', async () => {
    const put = new PutItemCommand({
      TableName,
      Item: { ...key, status: { S: 'received' } },
      ConditionExpression: 'attribute_not_exists(orderId)',
    });
    await dynamodb.send(put);
    await expect(dynamodb.send(put)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('returns the updated item with ReturnValues ALL_NEW', async () => {
    const { Attributes } = await dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: key,
        UpdateExpression: 'SET #status = :placed ADD attempts :one',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':placed': { S: 'placed' }, ':one': { N: '1' } },
        ReturnValues: 'ALL_NEW',
      }),
    );
    expect(Attributes).toEqual({ ...key, status: { S: 'placed' }, attempts: { N: '1' } });
  });

  it('does not return the item on a failed condition (dynalite ignores ReturnValuesOnConditionCheckFailure)', async () => {
    const error = await dynamodb
      .send(
        new PutItemCommand({
          TableName,
          Item: { ...key, status: { S: 'received' } },
          ConditionExpression: 'attribute_not_exists(orderId)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .catch((rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    // Real DynamoDB puts the stored item here; code that relies on it needs a GetItem fallback locally.
    expect((error as ConditionalCheckFailedException).Item).toBeUndefined();
  });
});

describe('fault injection: lost replies and index lag', () => {
  const TableName = 'lag-table';

  beforeAll(async () => {
    await dynamodb.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'tag', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [{ IndexName: 'byTag', KeySchema: [{ AttributeName: 'tag', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
      }),
    );
  });

  it('applies a call and then loses its reply: the SDK retries and meets its own write', async () => {
    aws.faults.loseNextReplies('dynamodb.PutItem', { match: 'lost-1' });
    const put = new PutItemCommand({ TableName, Item: { pk: { S: 'lost-1' } }, ConditionExpression: 'attribute_not_exists(pk)' });
    await expect(dynamodb.send(put)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    expect((await dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'lost-1' } } }))).Item).toBeDefined();
    expect(aws.faults.lostReplies()['dynamodb.PutItem']).toBe(1);
  });

  it('loses a SendMessage reply as a 500 after the message was queued: the retry queues it twice', async () => {
    const { url } = await createQueue('lost-replies');
    aws.faults.loseNextReplies('sqs.SendMessage', { match: 'lost-2', how: 'error500' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'lost-2' }));
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(Messages.map((m) => m.Body)).toEqual(['lost-2', 'lost-2']);
  });

  it('hides items written less than the lag ago from queries on an index, not from the table', async () => {
    const query = new QueryCommand({ TableName, IndexName: 'byTag', KeyConditionExpression: 'tag = :tag', ExpressionAttributeValues: { ':tag': { S: 't' } } });
    aws.dynamodb.setIndexLag(400);
    await dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'old' }, tag: { S: 't' } } }));
    await new Promise((resolve) => setTimeout(resolve, 450));
    await dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'new' }, tag: { S: 't' } } }));
    expect((await dynamodb.send(query)).Items?.map((item) => item.pk?.S)).toEqual(['old']);
    expect((await dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: 'new' } }, ConsistentRead: true }))).Item).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await dynamodb.send(query)).Items?.map((item) => item.pk?.S).sort()).toEqual(['new', 'old']);
    expect(aws.dynamodb.hiddenByIndexLag()).toBe(1);
    aws.dynamodb.setIndexLag(0);
  });
});

describe('Secrets Manager', () => {
  it('creates, reads by name or ARN, and rotates a secret', async () => {
    const created = await secretsManager.send(new CreateSecretCommand({ Name: 'hostinger/api-token', SecretString: 'token-1' }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:hostinger\/api-token-[A-Za-z0-9]{6}$/);

    const byName = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'hostinger/api-token' }));
    expect(byName).toMatchObject({ Name: 'hostinger/api-token', SecretString: 'token-1', VersionId: created.VersionId, VersionStages: ['AWSCURRENT'] });
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    const byArn = await secretsManager.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(byArn.SecretString).toBe('token-1');

    const rotated = await secretsManager.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: 'token-2' }));
    expect(rotated.VersionId).not.toBe(created.VersionId);
    const current = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'hostinger/api-token' }));
    expect(current).toMatchObject({ SecretString: 'token-2', VersionId: rotated.VersionId });
    const previous = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'hostinger/api-token', VersionStage: 'AWSPREVIOUS' }));
    expect(previous.SecretString).toBe('token-1');

    const { VersionIdsToStages } = await secretsManager.send(new DescribeSecretCommand({ SecretId: 'hostinger/api-token' }));
    expect(VersionIdsToStages).toEqual({ [created.VersionId!]: ['AWSPREVIOUS'], [rotated.VersionId!]: ['AWSCURRENT'] });
  });

  it('fails like AWS for missing, duplicate and deleted secrets', async () => {
    await expect(secretsManager.send(new GetSecretValueCommand({ SecretId: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(secretsManager.send(new GetSecretValueCommand({ SecretId: 'missing' }))).rejects.toBeInstanceOf(ResourceNotFoundException);

    await secretsManager.send(new CreateSecretCommand({ Name: 'short-lived', SecretString: 'x' }));
    await expect(secretsManager.send(new CreateSecretCommand({ Name: 'short-lived', SecretString: 'y' }))).rejects.toBeInstanceOf(ResourceExistsException);
    await secretsManager.send(new DeleteSecretCommand({ SecretId: 'short-lived', ForceDeleteWithoutRecovery: true }));
    await expect(secretsManager.send(new GetSecretValueCommand({ SecretId: 'short-lived' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('lists secrets with their metadata, never a value: filters, sort order, pages, planned deletions', async () => {
    const prefix = `listed-${Date.now()}`;
    const names = ['b', 'a', 'c'].map((suffix) => `${prefix}/${suffix}`);
    for (const [i, Name] of names.entries()) {
      await secretsManager.send(new CreateSecretCommand({ Name, SecretString: `value-${i}`, Description: `Token ${i}`, Tags: [{ Key: 'team', Value: `t${i}` }] }));
    }
    await secretsManager.send(new GetSecretValueCommand({ SecretId: names[0] }));
    const mine = (list: { Name?: string }[] | undefined) => (list ?? []).map((entry) => entry.Name).filter((name) => name?.startsWith(prefix));

    const all = await secretsManager.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }] }));
    expect(all.SecretList?.map((entry) => entry.Name)).toEqual(names);
    const first = all.SecretList?.[0];
    expect(first).toEqual({
      ARN: expect.stringMatching(new RegExp(`^arn:aws:secretsmanager:${aws.region}:000000000000:secret:${prefix}/b-[A-Za-z0-9]{6}$`)),
      Name: names[0],
      Description: 'Token 0',
      CreatedDate: expect.any(Date),
      LastChangedDate: expect.any(Date),
      LastAccessedDate: expect.any(Date),
      Tags: [{ Key: 'team', Value: 't0' }],
      SecretVersionsToStages: { [Object.keys(first?.SecretVersionsToStages ?? {})[0] ?? '']: ['AWSCURRENT'] },
    });
    expect(JSON.stringify(all)).not.toContain('value-');

    const byName = await secretsManager.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], SortBy: 'name', SortOrder: 'desc' }));
    expect(mine(byName.SecretList)).toEqual([...names].sort().reverse());
    const described = await secretsManager.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'description', Values: ['token 1'] },
          { Key: 'name', Values: [prefix] },
        ],
      }),
    );
    expect(mine(described.SecretList)).toEqual([names[1]]);
    const tagged = await secretsManager.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'tag-value', Values: ['t2', 't0'] },
          { Key: 'name', Values: [prefix] },
        ],
      }),
    );
    expect(mine(tagged.SecretList)).toEqual([names[0], names[2]]);
    const negated = await secretsManager.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'name', Values: [prefix] },
          { Key: 'tag-value', Values: ['!t1'] },
        ],
      }),
    );
    expect(mine(negated.SecretList)).toEqual([names[0], names[2]]);

    const pages: (string | undefined)[][] = [];
    for await (const page of paginateListSecrets({ client: secretsManager, pageSize: 2 }, { Filters: [{ Key: 'name', Values: [prefix] }] })) {
      pages.push((page.SecretList ?? []).map((entry) => entry.Name));
    }
    expect(pages).toEqual([names.slice(0, 2), names.slice(2)]);
    await expect(secretsManager.send(new ListSecretsCommand({ NextToken: 'not-a-token' }))).rejects.toBeInstanceOf(InvalidNextTokenException);

    await secretsManager.send(new DeleteSecretCommand({ SecretId: names[1] }));
    const live = await secretsManager.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }] }));
    expect(mine(live.SecretList)).toEqual([names[0], names[2]]);
    const withPlanned = await secretsManager.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }], IncludePlannedDeletion: true }));
    expect(withPlanned.SecretList?.find((entry) => entry.Name === names[1])?.DeletedDate).toBeInstanceOf(Date);
    expect(aws.calls()['secretsmanager.ListSecrets']).toBeGreaterThan(0);
  });

  it('fails with HTTP 503 while unavailable and recovers afterwards', async () => {
    await secretsManager.send(new CreateSecretCommand({ Name: 'outage', SecretString: 'still-here' }));
    aws.resetCalls();
    aws.secrets.setUnavailable(true);
    try {
      await expect(secretsManager.send(new GetSecretValueCommand({ SecretId: 'outage' }))).rejects.toMatchObject({
        name: 'ServiceUnavailable',
        $metadata: { httpStatusCode: 503 },
      });
    } finally {
      aws.secrets.setUnavailable(false);
    }
    // The SDK's standard retry strategy treats 503 as transient: 1 call + 2 retries.
    expect(aws.calls()).toEqual({ 'secretsmanager.GetSecretValue': 3 });
    const { SecretString } = await secretsManager.send(new GetSecretValueCommand({ SecretId: 'outage' }));
    expect(SecretString).toBe('still-here');
  });
});

describe('clients configured without explicit options', () => {
  it('work with only AWS_ENDPOINT_URL, AWS_REGION and credentials in the environment', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', aws.endpoint);
    vi.stubEnv('AWS_REGION', aws.region);
    vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
    try {
      // With no `endpoint` option the SQS client sends each call to its QueueUrl's host (useQueueUrlAsEndpoint).
      const envSqs = new SQSClient({});
      const { QueueUrl } = await envSqs.send(new CreateQueueCommand({ QueueName: 'from-env' }));
      await envSqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'env' }));
      expect((await receive(QueueUrl!, 1)).map((message) => message.Body)).toEqual(['env']);

      await new SNSClient({}).send(new CreateTopicCommand({ Name: 'from-env' }));
      await new DynamoDBClient({}).send(new GetItemCommand({ TableName: 'orders-ledger', Key: { orderId: { S: 'order-1' } } }));
      await new SecretsManagerClient({}).send(new CreateSecretCommand({ Name: 'from-env', SecretString: 'env' }));
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('reach queues through their URLs even from a client pointed at real AWS', async () => {
    const { url } = await createQueue('by-url');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const awsSqs = new SQSClient({ region: aws.region, credentials });
      await awsSqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'via queue URL' }));
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('using QueueUrl host as endpoint'));
    } finally {
      warn.mockRestore();
    }
    expect((await receive(url, 1)).map((message) => message.Body)).toEqual(['via queue URL']);
  });
});

describe('LocalAws', () => {
  it('counts API calls by service and action', async () => {
    const { url } = await createQueue('counted');
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'counted' }));
    aws.resetCalls();

    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'counted' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'counted' }));
    await sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: '1', Message: 'counted' }] }));
    await dynamodb.send(new GetItemCommand({ TableName: 'orders-ledger', Key: { orderId: { S: 'order-1' } } }));
    await secretsManager.send(new GetSecretValueCommand({ SecretId: 'hostinger/api-token' }));

    expect(aws.calls()).toEqual({
      'sqs.SendMessage': 2,
      'sns.PublishBatch': 1,
      'dynamodb.GetItem': 1,
      'secretsmanager.GetSecretValue': 1,
    });
  });

  it('answers requests no local service handles with UnknownOperationException', async () => {
    const response = await fetch(aws.endpoint, { method: 'POST', headers: { 'x-amz-target': 'Logs_20140328.PutLogEvents' }, body: '{}' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });

  // Runs last: it stops the shared instance (close() is idempotent, so afterAll stays safe).
  it('closes quickly despite idle keep-alive sockets', async () => {
    const started = performance.now();
    await aws.close();
    expect(performance.now() - started).toBeLessThan(500);
    await expect(fetch(aws.endpoint)).rejects.toThrow();
  });
});
