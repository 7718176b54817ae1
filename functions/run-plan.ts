import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import { join } from 'node:path';
import { awsClientOptions } from '../lib/platform/aws-client-options.ts';
import { COMPILED_PLANS_FOLDER, loadCompiledPlan } from '../lib/scheduled/compiled-plans.ts';
import { runBatch, type BatchFiring } from '../lib/scheduled/plan-run.ts';
import { batchConfig } from '../lib/platform/config.ts';
import { createDynamoDbPlanRunLedger } from '../lib/ledger/dynamodb-plan-run-ledger.ts';
import { logger } from '../lib/platform/logger.ts';
import { createSqsBatchEnqueuer } from '../lib/messaging/sqs-order-queue.ts';
import { createSnsOutcomePublisher } from '../lib/messaging/sns-outcome-publisher.ts';

const config = batchConfig();
// Plans are compiled to JSON when packaging and packaged next to the handler.
const plansDir = config.plansDir ?? join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), COMPILED_PLANS_FOLDER);
const deps = {
  loadPlan: (name: string) => loadCompiledPlan(plansDir, name),
  ledger: createDynamoDbPlanRunLedger({ client: new DynamoDBClient(awsClientOptions), tableName: config.tableName }),
  enqueue: createSqsBatchEnqueuer({ client: new SQSClient(awsClientOptions), queueUrl: config.queueUrl }),
  publish: createSnsOutcomePublisher({ client: new SNSClient(awsClientOptions), topicArn: config.topicArn }),
  now: () => new Date(),
};

/** Scheduled: fires one batch plan, queueing its orders with request ids that make a repeat firing harmless. */
export const handler = middy<BatchFiring, unknown>()
  .use(injectLambdaContext(logger))
  .handler(async (firing) => {
    const enqueued = await runBatch(firing, deps);
    logger.info('batch enqueued', { run: enqueued.run, size: enqueued.size });
    return enqueued;
  });
