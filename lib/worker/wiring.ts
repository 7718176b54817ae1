import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { awsClientOptions } from '../platform/aws-client-options.ts';
import type { WorkerConfig } from '../platform/config.ts';
import { createDynamoDbPlanRunLedger } from '../ledger/dynamodb-plan-run-ledger.ts';
import { createDynamoDbRequestLedger } from '../ledger/dynamodb-request-ledger.ts';
import { createDynamoDbSubscriptionLedger } from '../ledger/dynamodb-subscription-ledger.ts';
import { createBillingReader } from '../hostinger/billing-reads.ts';
import { createOrderClient } from '../hostinger/order-client.ts';
import { logger } from '../platform/logger.ts';
import { metrics, powertoolsOrderMetrics, publishMetrics } from '../platform/metrics.ts';
import { createSnsOutcomePublisher } from '../messaging/sns-outcome-publisher.ts';
import { processBatch, type WorkerDependencies } from './process-batch.ts';
import { createCatalogCache } from '../catalog/catalog-cache.ts';
import { createCatalogGuard } from '../catalog/catalog-guard.ts';
import { createReconciler } from '../reconciliation/reconciler.ts';
import { createSharedThrottleGate } from '../retry/dynamodb-throttle-gate.ts';
import { createSecretsManagerTokenSource } from '../hostinger/secrets-manager-token-source.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The worker's real dependencies, from its configuration. */
export function createWorkerDependencies(config: WorkerConfig): WorkerDependencies {
  const dynamodb = new DynamoDBClient(awsClientOptions);
  const table = { client: dynamodb, tableName: config.tableName };
  const requests = createDynamoDbRequestLedger(table);
  const token = createSecretsManagerTokenSource({
    client: new SecretsManagerClient(awsClientOptions),
    secretId: config.tokenSecretId,
    cacheSeconds: config.tokenCacheSeconds,
  });
  const billing = createBillingReader({ baseUrl: config.hostingerApiUrl, timeoutMs: config.timeoutMs });
  const catalog = createCatalogCache({ billing, token, cacheMs: config.catalogCacheMs });
  return {
    ledger: { ...requests, ...createDynamoDbPlanRunLedger(table) },
    publish: createSnsOutcomePublisher({ client: new SNSClient(awsClientOptions), topicArn: config.topicArn }),
    submit: {
      placeOrder: createOrderClient({ baseUrl: config.hostingerApiUrl, timeoutMs: config.timeoutMs }),
      token,
      policy: config.policy,
      timeoutMs: config.timeoutMs,
      reserveMs: config.reserveMs,
      retryAmbiguous: config.retryAmbiguous,
      sleep,
      now: Date.now,
      throttle: createSharedThrottleGate({ client: dynamodb, tableName: config.tableName, cacheMs: 2_000, maxPauseMs: config.maxFleetPauseMs }),
    },
    reconcile: createReconciler({
      billing,
      catalog,
      ledger: { ...createDynamoDbSubscriptionLedger(table), unsettledAttempts: requests.unsettledAttempts },
      token,
      settings: config.reconcile,
      timeoutMs: config.timeoutMs,
      reserveMs: config.reserveMs,
      sleep,
      now: Date.now,
    }),
    concurrency: config.concurrency,
    maxReceiveCount: config.maxReceiveCount,
    metrics: powertoolsOrderMetrics,
    catalogGuard: config.catalogChecks ? createCatalogGuard(catalog) : undefined,
    now: () => new Date(),
  };
}

/** The SQS-triggered handler: submits each order and publishes its outcome; reports only the messages to redeliver. */
export function createWorkerHandler(deps: WorkerDependencies) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger))
    .use(publishMetrics(metrics))
    .handler((event, context) => processBatch(event.Records, { remainingMs: () => context.getRemainingTimeInMillis() }, deps));
}
