/**
 * The cold-start baseline: the worker as a naive Lambda would write it, importing the four AWS clients it could
 * need (plus the DynamoDB document client) and Hostinger's axios-based SDK, and constructing them at module
 * scope. Each one is used, so none is tree-shaken. Bundled exactly like the real functions, never deployed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { BillingOrdersApi, Configuration } from 'hostinger-api-sdk';

const sqs = new SQSClient({});
const sns = new SNSClient({});
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const secrets = new SecretsManagerClient({});

export async function handler(event: SQSEvent): Promise<void> {
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.HOSTINGER_TOKEN_SECRET_ID }));
  const orders = new BillingOrdersApi(new Configuration({ accessToken: secret.SecretString, basePath: process.env.HOSTINGER_API_URL }));
  for (const record of event.Records) {
    const request = JSON.parse(record.body) as { requestId: string; payment_method_id: number; items: { item_id: string; quantity: number }[] };
    const { data } = await orders.createServiceOrderV1({ payment_method_id: request.payment_method_id, items: request.items, coupons: [] });
    await documents.send(new PutCommand({ TableName: process.env.ORDERS_TABLE, Item: { requestId: request.requestId, order: data } }));
    await sns.send(new PublishCommand({ TopicArn: process.env.OUTCOMES_TOPIC_ARN, Message: JSON.stringify(data) }));
    await sqs.send(new SendMessageCommand({ QueueUrl: process.env.ORDERS_QUEUE_URL, MessageBody: JSON.stringify({ done: request.requestId }) }));
  }
}
