import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createCatalogGuard } from '../catalog/catalog-guard.ts';
import { createHostingerReads } from '../catalog/wiring.ts';
import { createProvisioningReader } from '../hostinger/provisioning-reads.ts';
import { createPurchaseClient } from '../hostinger/purchase-client.ts';
import { createDynamoDbApprovalLedger } from '../ledger/dynamodb-approval-ledger.ts';
import { createDynamoDbBudgetLedger } from '../ledger/dynamodb-budget-ledger.ts';
import { createDynamoDbItemTurnLedger } from '../ledger/dynamodb-item-turn-ledger.ts';
import { createDynamoDbPlanRunLedger } from '../ledger/dynamodb-plan-run-ledger.ts';
import { createDynamoDbRequestLedger } from '../ledger/dynamodb-request-ledger.ts';
import { createDynamoDbSubscriptionLedger } from '../ledger/dynamodb-subscription-ledger.ts';
import { createSnsOutcomePublisher } from '../messaging/sns-outcome-publisher.ts';
import { createSqsMessageHandBack, createSqsMessageReturn } from '../messaging/sqs-message-visibility.ts';
import { awsClientOptions } from '../platform/aws-client-options.ts';
import type { WorkerConfig } from '../platform/config.ts';
import { logger } from '../platform/logger.ts';
import { powertoolsOrderMetrics, recordBudgetUsage } from '../platform/metrics.ts';
import { lambdaFunction } from '../platform/middy-stack.ts';
import { createPendingPaymentCheck } from '../reconciliation/pending-payment.ts';
import { createPurchaseReconciler } from '../reconciliation/wiring.ts';
import { createSharedThrottleGate } from '../retry/dynamodb-throttle-gate.ts';
import { createItemTurns } from './item-turns.ts';
import { processBatch, type WorkerDependencies } from './process-batch.ts';
import { createSpendGuard } from './spend-guard.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The worker's real dependencies, from its configuration. */
export function createWorkerDependencies(config: WorkerConfig): WorkerDependencies {
  const dynamodb = new DynamoDBClient(awsClientOptions);
  const table = { client: dynamodb, tableName: config.tableName };
  const requests = createDynamoDbRequestLedger(table);
  const subscriptions = createDynamoDbSubscriptionLedger(table);
  const reads = createHostingerReads(config);
  const { token, catalog } = reads;
  const { keyed, reconcile } = createPurchaseReconciler(config, table, requests, reads);
  const gate = createSharedThrottleGate({ client: dynamodb, tableName: config.tableName, cacheMs: 2_000, maxPauseMs: config.maxFleetPauseMs });
  return {
    log: logger,
    ledger: { ...requests, ...createDynamoDbPlanRunLedger(table), ...subscriptions },
    publish: createSnsOutcomePublisher({ client: new SNSClient(awsClientOptions), topicArn: config.topicArn }),
    submit: {
      placeOrder: createPurchaseClient({
        baseUrl: config.hostingerApiUrl,
        timeoutMs: config.timeoutMs,
        reads: { billing: reads.billing, provisioning: createProvisioningReader({ baseUrl: config.hostingerApiUrl, timeoutMs: config.timeoutMs }) },
      }),
      token,
      policy: config.policy,
      timeoutMs: config.timeoutMs,
      reserveMs: config.reserveMs,
      retryAmbiguous: config.retryAmbiguous,
      sleep,
      now: Date.now,
      throttle: gate,
    },
    itemTurns: createItemTurns({
      caution: gate,
      ledger: createDynamoDbItemTurnLedger(table),
      settings: {
        carefulMs: config.carefulMs,
        clockSkewMs: config.reconcile.clockSkewMs,
        lateMs: config.reconcile.lateMs,
        timeoutMs: config.timeoutMs,
        reserveMs: config.reserveMs,
      },
      log: logger,
      sleep,
      now: Date.now,
    }),
    keyed,
    reconcile,
    pendingPayment: createPendingPaymentCheck({ paymentMethods: catalog.paymentMethods, neverPendingKinds: config.neverPendingPaymentKinds }),
    followUp: config.followUp,
    concurrency: config.concurrency,
    maxReceiveCount: config.maxReceiveCount,
    metrics: powertoolsOrderMetrics,
    catalogGuard: config.catalogChecks ? createCatalogGuard(catalog, logger) : undefined,
    spendGuard: createSpendGuard({
      policy: config.spendingPolicy,
      prices: () => catalog.prices(),
      subscriptions: async () => reads.billing.subscriptions(await token()),
      budgets: createDynamoDbBudgetLedger(table),
      onBudgetUsage: recordBudgetUsage,
    }),
    approvals: createDynamoDbApprovalLedger(table),
    includeBillingAddress: config.includeBillingAddress,
    ...(config.queueUrl ? messageReturns(new SQSClient(awsClientOptions), config.queueUrl) : {}),
    now: () => new Date(),
  };
}

/** Messages that wait come back when they can go on: returned (a delivery spent), or handed back as new ones. */
const messageReturns = (client: SQSClient, queueUrl: string) => ({
  returnMessage: createSqsMessageReturn({ client, queueUrl }),
  handBack: createSqsMessageHandBack({ client, queueUrl }),
});

/** The SQS-triggered handler: submits each order and publishes its outcome; reports only the messages to redeliver. */
export const createWorkerFunction = (deps: WorkerDependencies) =>
  lambdaFunction<SQSEvent, SQSBatchResponse>((event, context) => processBatch(event.Records, { remainingMs: () => context.getRemainingTimeInMillis() }, deps));
