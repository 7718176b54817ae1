import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createAccountFactsReader } from '../catalog/account-facts.ts';
import { createCatalogGuard } from '../catalog/catalog-guard.ts';
import { createHostingerReads } from '../catalog/wiring.ts';
import { createProvisioningReader } from '../hostinger/provisioning-reads.ts';
import { createDynamoDbApprovalLedger } from '../ledger/dynamodb-approval-ledger.ts';
import { createDynamoDbRequestLedger } from '../ledger/dynamodb-request-ledger.ts';
import { createDynamoDbUnqueuedRequests } from '../ledger/dynamodb-unqueued-requests.ts';
import type { RequestLedger } from '../ledger/request-ledger.ts';
import { createSqsBatchEnqueuer, createSqsOrderQueue } from '../messaging/sqs-order-queue.ts';
import { awsClientOptions } from '../platform/aws-client-options.ts';
import type { ApprovalConfig, IntakeConfig, ReaderConfig, SweepConfig } from '../platform/config.ts';
import { logger } from '../platform/logger.ts';
import { httpFunction, lambdaFunction } from '../platform/middy-stack.ts';
import type { IntakeDependencies } from './accept-order.ts';
import { type ApprovalDependencies, expireApprovals } from './approvals.ts';
import { createOrderHandler, decideOrderHandler, getOrderHandler } from './http-handlers.ts';
import { type SweepDependencies, sweepUnqueued } from './sweep-unqueued.ts';

/** Catalog checks, and account checks of VPS hostnames, domains and renewed subscriptions. */
function intakeGuard(config: NonNullable<IntakeConfig['catalogChecks']>) {
  const { token, billing, catalog } = createHostingerReads(config);
  const provisioning = createProvisioningReader({ baseUrl: config.hostingerApiUrl, timeoutMs: config.timeoutMs });
  return createCatalogGuard(catalog, logger, createAccountFactsReader({ billing, provisioning, token }));
}

/** Intake's real dependencies, from its configuration. */
export function createIntakeDependencies(config: IntakeConfig): IntakeDependencies {
  const { catalogChecks } = config;
  return {
    ledger: createDynamoDbRequestLedger({ client: new DynamoDBClient(awsClientOptions), tableName: config.tableName }),
    enqueue: createSqsOrderQueue({ client: new SQSClient(awsClientOptions), queueUrl: config.queueUrl }),
    catalogGuard: catalogChecks && intakeGuard(catalogChecks),
    now: () => new Date(),
  };
}

/** POST /orders, /vps, /domains, /renewals: validate (schema, then catalog, payment method and account), record, enqueue, answer 202. */
export const createOrderFunction = (deps: IntakeDependencies) => httpFunction((event) => createOrderHandler(event, deps));

/** What GET /orders/{requestId} reads: the ledger's requests. */
export const createReaderDependencies = (config: ReaderConfig): RequestLedger =>
  createDynamoDbRequestLedger({ client: new DynamoDBClient(awsClientOptions), tableName: config.tableName });

/** GET /orders/{requestId}: the request's current state from the ledger. */
export const getOrderFunction = (ledger: RequestLedger) => httpFunction((event) => getOrderHandler(event, ledger));

/** The sweep's real dependencies, from its configuration. */
export function createSweepDependencies(config: SweepConfig): SweepDependencies {
  const table = { client: new DynamoDBClient(awsClientOptions), tableName: config.tableName };
  return {
    unqueued: createDynamoDbUnqueuedRequests(table),
    ledger: createDynamoDbRequestLedger(table),
    enqueue: createSqsOrderQueue({ client: new SQSClient(awsClientOptions), queueUrl: config.queueUrl }),
    olderThanMs: config.olderThanMs,
    limit: 500,
    now: () => new Date(),
  };
}

/** Scheduled: queues the order requests the intake recorded whose message is not known to be on the queue. */
export const createSweepFunction = (deps: SweepDependencies) =>
  lambdaFunction<unknown, { found: number; queued: number }>(async () => {
    const swept = await sweepUnqueued(deps);
    if (swept.found > 0) logger.info('swept unqueued order requests', swept);
    return swept;
  });

/** Approving, denying and expiring: the dependencies, from the configuration. */
export function createApprovalDependencies(config: ApprovalConfig): ApprovalDependencies {
  const table = { client: new DynamoDBClient(awsClientOptions), tableName: config.tableName };
  return {
    approvals: createDynamoDbApprovalLedger(table),
    ledger: createDynamoDbRequestLedger(table),
    enqueue: createSqsBatchEnqueuer({ client: new SQSClient(awsClientOptions), queueUrl: config.queueUrl }),
    policy: config.spendingPolicy,
    now: () => new Date(),
  };
}

/** POST /orders/{requestId}/approve and /deny: a separate permission (IAM policy on the routes, or a JWT scope). */
export const decideOrderFunction = (deps: ApprovalDependencies) => httpFunction((event) => decideOrderHandler(event, deps));

/** Scheduled: orders whose wait for approval ran out end rejected. */
export const createExpireApprovalsFunction = (deps: ApprovalDependencies) =>
  lambdaFunction<unknown, { expired: number }>(async () => {
    const result = await expireApprovals({ ...deps, limit: 100 });
    if (result.expired > 0) logger.info('approvals expired', result);
    return result;
  });
