import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientOptions } from '../lib/aws-client-options.ts';
import { intakeConfig } from '../lib/config.ts';
import { createDynamoDbLedger } from '../lib/dynamodb-ledger.ts';
import { createOrderHandler } from '../lib/http-handlers.ts';
import { httpFunction } from '../lib/http-function.ts';
import { createSqsOrderQueue } from '../lib/order-queue.ts';

const config = intakeConfig();
const deps = {
  ledger: createDynamoDbLedger({ client: new DynamoDBClient(awsClientOptions), tableName: config.tableName }),
  enqueue: createSqsOrderQueue({ client: new SQSClient(awsClientOptions), queueUrl: config.queueUrl }),
  now: () => new Date(),
};

/** POST /orders: validate, record, enqueue, answer 202. */
export const handler = httpFunction((event) => createOrderHandler(event, deps));
