import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientOptions } from '../lib/platform/aws-client-options.ts';
import { readerConfig } from '../lib/platform/config.ts';
import { createDynamoDbRequestLedger } from '../lib/ledger/dynamodb-request-ledger.ts';
import { getOrderHandler } from '../lib/intake/http-handlers.ts';
import { httpFunction } from '../lib/platform/http-function.ts';

const config = readerConfig();
const ledger = createDynamoDbRequestLedger({ client: new DynamoDBClient(awsClientOptions), tableName: config.tableName });

/** GET /orders/{requestId}: the request's current state from the ledger. */
export const handler = httpFunction((event) => getOrderHandler(event, ledger));
