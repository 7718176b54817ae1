import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { createHostingerReads } from '../catalog/wiring.ts';
import { createDynamoDbBudgetLedger } from '../ledger/dynamodb-budget-ledger.ts';
import { createDynamoDbFollowUps } from '../ledger/dynamodb-follow-ups.ts';
import { createDynamoDbRequestLedger } from '../ledger/dynamodb-request-ledger.ts';
import { createDynamoDbSubscriptionLedger } from '../ledger/dynamodb-subscription-ledger.ts';
import { createSnsOutcomePublisher } from '../messaging/sns-outcome-publisher.ts';
import { asOrder } from '../order/kinds/purchase.ts';
import { awsClientOptions } from '../platform/aws-client-options.ts';
import type { FollowUpConfig } from '../platform/config.ts';
import { logger } from '../platform/logger.ts';
import { powertoolsOrderMetrics } from '../platform/metrics.ts';
import { lambdaFunction } from '../platform/middy-stack.ts';
import { budgetCurrencies } from '../policy/spending-policy.ts';
import { unknownAttemptWindow } from '../reconciliation/attempt-window.ts';
import { createPendingPaymentCheck } from '../reconciliation/pending-payment.ts';
import { createPurchaseReconciler } from '../reconciliation/wiring.ts';
import { type FollowUpDependencies, type FollowUpReport, runFollowUps } from './follow-up-run.ts';

/** The follow-up's real dependencies, from its configuration; `deadline` is the invocation's. */
export function createFollowUpDependencies(config: FollowUpConfig) {
  const table = { client: new DynamoDBClient(awsClientOptions), tableName: config.tableName };
  const requests = createDynamoDbRequestLedger(table);
  const reads = createHostingerReads(config);
  const { reconcile, keyed } = createPurchaseReconciler(config, table, requests, reads);
  const budgets = createDynamoDbBudgetLedger(table);
  const followUps = createDynamoDbFollowUps(table);
  const subscriptions = createDynamoDbSubscriptionLedger(table);
  const publish = createSnsOutcomePublisher({ client: new SNSClient(awsClientOptions), topicArn: config.topicArn });
  const pendingPayment = createPendingPaymentCheck({ paymentMethods: () => reads.catalog.paymentMethods(), neverPendingKinds: config.neverPendingPaymentKinds });
  // Built once per container; what depends on the invocation (its deadline) per run.
  return (context: Pick<Context, 'getRemainingTimeInMillis'>): FollowUpDependencies => ({
    followUps,
    requests,
    subscriptionIds: async () => new Set((await reads.billing.subscriptions(await reads.token())).map((subscription) => subscription.id)),
    reconcile: (record) => {
      const { order } = record;
      if (!order) return Promise.resolve({ result: 'absent' as const });
      return reconcile(record.requestId, order, unknownAttemptWindow(record), { remainingMs: () => context.getRemainingTimeInMillis() });
    },
    publish,
    pendingPayment: (purchase) => pendingPayment(asOrder(purchase)),
    settleBudget: (requestId, how, now) => budgets.settle(requestId, budgetCurrencies(config.spendingPolicy), how, now),
    releaseKey: keyed.release,
    recordSubscription: subscriptions.recordAnswer,
    metrics: powertoolsOrderMetrics,
    settings: config.followUp,
    limit: 200,
    now: () => new Date(),
  });
}

/** Scheduled: follows pending payments to their end, and looks again at unknown outcomes while evidence can appear. */
export const createFollowUpFunction = (deps: ReturnType<typeof createFollowUpDependencies>) =>
  lambdaFunction<unknown, FollowUpReport>(async (_event, context) => {
    const report = await runFollowUps(deps(context));
    if (report.looked > 0) logger.info('followed up outcomes', { ...report });
    return report;
  });
