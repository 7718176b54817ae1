import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { workerConfig } from '../lib/config.ts';
import { createDynamoDbLedger } from '../lib/dynamodb-ledger.ts';
import { createOrderClient } from '../lib/hostinger/order-client.ts';
import { logger } from '../lib/logger.ts';
import { createSnsOutcomePublisher } from '../lib/outcome-publisher.ts';
import { processBatch } from '../lib/order-worker.ts';
import { createSecretsManagerTokenSource } from '../lib/token-source.ts';

const config = workerConfig();
const deps = {
  ledger: createDynamoDbLedger({ client: new DynamoDBClient({}), tableName: config.tableName }),
  publish: createSnsOutcomePublisher({ client: new SNSClient({}), topicArn: config.topicArn }),
  submit: {
    placeOrder: createOrderClient({ baseUrl: config.hostingerApiUrl, timeoutMs: config.timeoutMs }),
    token: createSecretsManagerTokenSource({ client: new SecretsManagerClient({}), secretId: config.tokenSecretId, cacheSeconds: config.tokenCacheSeconds }),
    policy: config.policy,
    timeoutMs: config.timeoutMs,
    reserveMs: config.reserveMs,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  },
  concurrency: config.concurrency,
  now: () => new Date(),
};

/** SQS-triggered: submits each order to Hostinger and publishes its outcome; reports only the messages to redeliver. */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger))
  .handler((event, context) => processBatch(event.Records, { remainingMs: () => context.getRemainingTimeInMillis() }, deps));
