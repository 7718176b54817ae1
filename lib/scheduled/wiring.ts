import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoDbPlanRunLedger } from '../ledger/dynamodb-plan-run-ledger.ts';
import { createSnsOutcomePublisher } from '../messaging/sns-outcome-publisher.ts';
import { createSqsBatchEnqueuer } from '../messaging/sqs-order-queue.ts';
import { awsClientOptions } from '../platform/aws-client-options.ts';
import type { PlanRunConfig } from '../platform/config.ts';
import { logger } from '../platform/logger.ts';
import { lambdaFunction } from '../platform/middy-stack.ts';
import { COMPILED_PLANS_FOLDER, loadCompiledPlan } from './compiled-plans.ts';
import { type PlanFiring, type PlanRunDependencies, runPlan } from './plan-run.ts';

/** A plan run's real dependencies, from its configuration. */
export function createPlanRunDependencies(config: PlanRunConfig): PlanRunDependencies {
  // Plans are compiled to JSON when packaging and packaged next to the handler.
  const plansDir = config.plansDir ?? join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), COMPILED_PLANS_FOLDER);
  return {
    loadPlan: (name) => loadCompiledPlan(plansDir, name),
    ledger: createDynamoDbPlanRunLedger({ client: new DynamoDBClient(awsClientOptions), tableName: config.tableName }),
    enqueue: createSqsBatchEnqueuer({ client: new SQSClient(awsClientOptions), queueUrl: config.queueUrl }),
    publish: createSnsOutcomePublisher({ client: new SNSClient(awsClientOptions), topicArn: config.topicArn }),
    now: () => new Date(),
  };
}

/** Scheduled: fires one plan, queueing its orders with request ids that make a repeat firing harmless. */
export const createPlanRunFunction = (deps: PlanRunDependencies) =>
  lambdaFunction<PlanFiring, unknown>(async (firing) => {
    const enqueued = await runPlan(firing, deps);
    logger.info('batch enqueued', { run: enqueued.run, size: enqueued.size });
    return enqueued;
  });
