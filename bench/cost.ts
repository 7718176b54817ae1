/**
 * What 1,000 orders cost on AWS, from the usage one bench run measured, priced with bench/aws-prices.json; and the
 * same orders through a Step Functions Standard workflow doing the same steps, and the share of the work
 * EventBridge API Destinations could take. Pure: the bench measures, this prices.
 */
import prices from './aws-prices.json' with { type: 'json' };

export type PriceName = keyof typeof prices.prices;
export const PRICES = prices;

/** What one order used, on average, as measured by the local stack. */
export interface UsagePerOrder {
  /** Each function that ran for the orders: its invocations and billed ms per order, and its memory (serverless.yml). */
  functions: { name: string; memoryMb: number; invocations: number; billedMs: number }[];
  httpApiRequests: number;
  /** SQS requests by whoever made them (the functions, Lambda's event source mapping), per 64 KB chunk. */
  sqsRequests: number;
  snsPublishes: number;
  dynamodb: { readUnits: number; writeUnits: number; indexWriteUnits: number };
  secretsManagerCalls: number;
}

export interface CostLine {
  item: string;
  /** Billed quantity per order, and its unit. */
  perOrder: number;
  unit: string;
  price: PriceName;
  /** USD per 1,000 orders. */
  usdPer1000: number;
}

/**
 * The Step Functions Standard workflow doing the same steps for one order that buys at the first attempt, one
 * execution per order started by the intake instead of the queue message (StartExecution is not billed apart
 * from the transitions). Each state entered is a billed transition. The Hostinger call is an HTTP Task (its
 * token in the EventBridge connection), the ledger writes are DynamoDB UpdateItem tasks, the outcome an SNS
 * Publish task (one per execution: no batching across executions).
 */
export const STEP_FUNCTIONS_STATES = [
  'ClaimRequest (DynamoDB UpdateItem task)',
  'SubmitOrder (HTTP Task to Hostinger)',
  'RecordOutcome (DynamoDB UpdateItem task)',
  'PublishOutcome (SNS Publish task)',
  'Done (Succeed)',
] as const;

const line = (item: string, perOrder: number, unit: string, price: PriceName): CostLine => ({
  item,
  perOrder,
  unit,
  price,
  usdPer1000: perOrder * prices.prices[price].usd * 1000,
});

function lambdaLines(fn: UsagePerOrder['functions'][number]): CostLine[] {
  const gbSeconds = (fn.billedMs / 1000) * (fn.memoryMb / 1024);
  return [
    line(`Lambda ${fn.name} duration (${fn.memoryMb} MB arm64, ${fn.billedMs.toFixed(1)} billed ms per order)`, gbSeconds, 'GB-s', 'lambdaArmGbSecond'),
    line(`Lambda ${fn.name} requests`, fn.invocations, 'requests', 'lambdaRequest'),
  ];
}

function sharedLines(usage: UsagePerOrder, intake: string): CostLine[] {
  const { dynamodb } = usage;
  return [
    line('API Gateway HTTP API (POST /orders)', usage.httpApiRequests, 'requests', 'httpApiRequest'),
    ...usage.functions.filter((fn) => fn.name === intake).flatMap(lambdaLines),
    line('DynamoDB writes (table, by item size)', dynamodb.writeUnits, 'WRU', 'dynamodbWriteRequestUnit'),
    line('DynamoDB writes (sparse indexes, estimated)', dynamodb.indexWriteUnits, 'WRU', 'dynamodbWriteRequestUnit'),
    line('DynamoDB reads', dynamodb.readUnits, 'RRU', 'dynamodbReadRequestUnit'),
  ];
}

export const totalPer1000 = (lines: readonly CostLine[]): number => lines.reduce((sum, { usdPer1000 }) => sum + usdPer1000, 0);

/** The pipeline as deployed: HTTP API, createOrder, SQS, orderWorker, DynamoDB, SNS, Secrets Manager. */
export function pipelineCost(usage: UsagePerOrder, intake = 'createOrder'): CostLine[] {
  return [
    ...sharedLines(usage, intake),
    ...usage.functions.filter((fn) => fn.name !== intake).flatMap(lambdaLines),
    line('SQS requests (SendMessage, event source Receive and Delete)', usage.sqsRequests, 'requests', 'sqsRequest'),
    line('SNS publishes (batched), deliveries to SQS free', usage.snsPublishes, 'requests', 'snsPublish'),
    line('Secrets Manager (token, cached per container)', usage.secretsManagerCalls, 'calls', 'secretsManagerApiCall'),
  ];
}

/** The same orders through the Step Functions Standard workflow of STEP_FUNCTIONS_STATES. */
export function stepFunctionsCost(usage: UsagePerOrder, intake = 'createOrder'): CostLine[] {
  return [
    ...sharedLines(usage, intake),
    line(`Step Functions Standard transitions (${STEP_FUNCTIONS_STATES.length} states)`, STEP_FUNCTIONS_STATES.length, 'transitions', 'stepFunctionsStandardTransition'),
    line('SNS publishes (one per execution)', 1, 'requests', 'snsPublish'),
  ];
}

/**
 * Where EventBridge API Destinations applies: the Hostinger call alone (an event put, then delivered to the API).
 * It cannot read Hostinger's answer back into the ledger nor settle an unknown outcome, so it replaces no step
 * of exactly-once buying; shown for what the call alone would cost.
 */
export function apiDestinationsCost(): CostLine[] {
  return [
    line('EventBridge PutEvents (one event per order)', 1, 'events', 'eventBridgeCustomEvent'),
    line('EventBridge API destination invocation (the POST to Hostinger)', 1, 'invocations', 'eventBridgeApiDestinationInvocation'),
  ];
}
