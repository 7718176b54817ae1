import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { sweepUnqueued } from '../lib/intake/sweep-unqueued.ts';
import { createDynamoDbRequestLedger } from '../lib/ledger/dynamodb-request-ledger.ts';
import { createDynamoDbUnqueuedRequests } from '../lib/ledger/dynamodb-unqueued-requests.ts';
import { createSqsOrderQueue } from '../lib/messaging/sqs-order-queue.ts';
import { awsClientOptions } from '../lib/platform/aws-client-options.ts';
import { sweepConfig } from '../lib/platform/config.ts';
import { logger } from '../lib/platform/logger.ts';

const config = sweepConfig();
const dynamodb = new DynamoDBClient(awsClientOptions);
const deps = {
  unqueued: createDynamoDbUnqueuedRequests({ client: dynamodb, tableName: config.tableName }),
  ledger: createDynamoDbRequestLedger({ client: dynamodb, tableName: config.tableName }),
  enqueue: createSqsOrderQueue({ client: new SQSClient(awsClientOptions), queueUrl: config.queueUrl }),
  olderThanMs: config.olderThanMs,
  limit: 500,
  now: () => new Date(),
};

/** Scheduled: queues the order requests the intake recorded whose message is not known to be on the queue. */
export const handler = middy<unknown, { found: number; queued: number }>()
  .use(injectLambdaContext(logger))
  .handler(async () => {
    const swept = await sweepUnqueued(deps);
    if (swept.found > 0) logger.info('swept unqueued order requests', swept);
    return swept;
  });
