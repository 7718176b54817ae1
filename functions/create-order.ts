import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientOptions } from '../lib/platform/aws-client-options.ts';
import { createCatalogCache } from '../lib/catalog/catalog-cache.ts';
import { createCatalogGuard } from '../lib/catalog/catalog-guard.ts';
import { intakeConfig } from '../lib/platform/config.ts';
import { createDynamoDbRequestLedger } from '../lib/ledger/dynamodb-request-ledger.ts';
import { createBillingReader } from '../lib/hostinger/billing-reads.ts';
import { createOrderHandler } from '../lib/intake/http-handlers.ts';
import { httpFunction } from '../lib/platform/http-function.ts';
import { createSqsOrderQueue } from '../lib/messaging/sqs-order-queue.ts';
import { createSecretsManagerTokenSource } from '../lib/hostinger/secrets-manager-token-source.ts';

const config = intakeConfig();
const checks = config.catalogChecks;
const deps = {
  ledger: createDynamoDbRequestLedger({ client: new DynamoDBClient(awsClientOptions), tableName: config.tableName }),
  enqueue: createSqsOrderQueue({ client: new SQSClient(awsClientOptions), queueUrl: config.queueUrl }),
  catalogGuard:
    checks &&
    createCatalogGuard(
      createCatalogCache({
        billing: createBillingReader({ baseUrl: checks.hostingerApiUrl, timeoutMs: checks.timeoutMs }),
        token: createSecretsManagerTokenSource({ client: new SecretsManagerClient(awsClientOptions), secretId: checks.tokenSecretId, cacheSeconds: checks.tokenCacheSeconds }),
        cacheMs: checks.cacheMs,
      }),
    ),
  now: () => new Date(),
};

/** POST /orders: validate (schema, then catalog and payment method), record, enqueue, answer 202. */
export const handler = httpFunction((event) => createOrderHandler(event, deps));
