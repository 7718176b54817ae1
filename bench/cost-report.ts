import { attribute, NOT_BY_THE_FUNCTIONS } from './aws-calls.ts';
import { apiDestinationsCost, type CostLine, PRICES, pipelineCost, STEP_FUNCTIONS_STATES, stepFunctionsCost, totalPer1000, type UsagePerOrder } from './cost.ts';
import type { Billed, PipelineResult } from './pipeline.ts';
import { fixed, table } from './table.ts';

/** The functions serverless.yml deploys: memory, and whether they run on a schedule. */
export type FunctionsDeployed = Readonly<Record<string, { memoryMb: number; scheduled: boolean }>>;

/** Sums the requests of the calls that match, per order. */
const chunksOf = (billed: Billed, orders: number, match: (call: string) => boolean) =>
  Object.entries(billed.aws.requestChunks)
    .filter(([call]) => match(call))
    .reduce((sum, [, chunks]) => sum + chunks, 0) / orders;

/**
 * One order's usage from the throughput run (the worker, from the queue to the outcome) and the intake run
 * (POST /orders): the calls the bench itself makes (enqueuing, its outcome tap) are left out, Lambda's event
 * source mapping's requests are counted (they are billed), the functions' memory is serverless.yml's. Only the
 * functions an order invokes count: scheduled ones cost per run (per month), and local-only ones nothing.
 */
export function usagePerOrder(result: PipelineResult, deployed: FunctionsDeployed): UsagePerOrder {
  const runOrders = result.pipeline.orders;
  const parts: { billed: Billed; orders: number }[] = [{ billed: result.billed, orders: runOrders }];
  if (result.intake) parts.push({ billed: result.intake.billed, orders: result.intake.orders });
  const own = (call: string) => !(call in NOT_BY_THE_FUNCTIONS);
  const sum = (per: (part: { billed: Billed; orders: number }) => number) => parts.reduce((total, part) => total + per(part), 0);
  const functions = new Map<string, { invocations: number; billedMs: number }>();
  for (const { billed, orders } of parts) {
    for (const [name, usage] of Object.entries(billed.functions)) {
      if (!deployed[name] || deployed[name].scheduled) continue;
      const known = functions.get(name) ?? { invocations: 0, billedMs: 0 };
      functions.set(name, { invocations: known.invocations + usage.invocations / orders, billedMs: known.billedMs + usage.billedMs / orders });
    }
  }
  return {
    functions: [...functions].map(([name, usage]) => ({ name, memoryMb: deployed[name]?.memoryMb ?? 128, ...usage })),
    httpApiRequests: result.intake ? 1 : 0,
    sqsRequests: sum(({ billed, orders }) => chunksOf(billed, orders, (call) => call.startsWith('sqs.') && own(call)) + billed.eventSourceRequests / orders),
    snsPublishes: sum(({ billed, orders }) => chunksOf(billed, orders, (call) => call.startsWith('sns.Publish'))),
    dynamodb: {
      readUnits: sum(({ billed, orders }) => billed.aws.dynamodb.readUnits / orders),
      writeUnits: sum(({ billed, orders }) => billed.aws.dynamodb.writeUnits / orders),
      indexWriteUnits: sum(({ billed, orders }) => billed.aws.dynamodb.indexWriteUnits / orders),
    },
    secretsManagerCalls: sum(({ billed, orders }) => chunksOf(billed, orders, (call) => call.startsWith('secretsmanager.'))),
  };
}

const usd = (value: number) => `$${value < 0.01 ? value.toFixed(5) : value.toFixed(4)}`;
const quantity = (value: number) => (value === 0 ? '0' : value < 0.01 ? value.toExponential(2) : fixed(value, 3));

function rows(lines: readonly CostLine[]): string[][] {
  return lines.map(({ item, perOrder, unit, usdPer1000 }) => [item, `${quantity(perOrder)} ${unit}`, usd(usdPer1000)]);
}

export interface CostFigures {
  usage: UsagePerOrder;
  pipelineUsd: number;
  stepFunctionsUsd: number;
  apiDestinationsUsd: number;
  text: string;
}

/** The cost section's text and totals. */
export function costFigures(result: PipelineResult, deployed: FunctionsDeployed): CostFigures {
  const usage = usagePerOrder(result, deployed);
  const pipeline = pipelineCost(usage);
  const stepFunctions = stepFunctionsCost(usage);
  const apiDestinations = apiDestinationsCost();
  const pipelineUsd = totalPer1000(pipeline);
  const stepFunctionsUsd = totalPer1000(stepFunctions);
  const apiDestinationsUsd = totalPer1000(apiDestinations);
  const excluded = Object.keys(attribute(result.steadyCalls).excluded);
  const text = [
    `Priced with bench/aws-prices.json: ${PRICES.region} list prices of ${PRICES.date}, first tier, no free tier. Usage per order measured in this run: ` +
      `the worker over the ${fixed(result.pipeline.orders, 0)} orders of the throughput run, the intake over ${fixed(result.intake?.orders ?? 0, 0)} POST /orders; ` +
      `billed duration is each local invocation's wall time rounded up to the ms (Hostinger's latency included, and any wait for this machine's CPU), ` +
      `memory serverless.yml's. The bench's own calls (${excluded.join(', ') || 'none'}) are left out; the SQS event source mapping's polls and deletes are in. ` +
      `Per-month fixed costs (the secret, $0.40; idle polling of the queue; the scheduled functions: ` +
      `${Object.entries(deployed)
        .filter(([, fn]) => fn.scheduled)
        .map(([name]) => name)
        .join(', ')}) are not per order.`,
    '',
    '**The pipeline, per 1,000 orders**',
    '',
    table(['item', 'per order', 'per 1,000 orders'], [...rows(pipeline), ['**total**', '', `**${usd(pipelineUsd)}**`]], ['l', 'r', 'r']),
    '',
    `**The same orders through a Step Functions Standard workflow**: the same intake and ledger writes; the queue and the worker replaced by ` +
      `${STEP_FUNCTIONS_STATES.length} states per execution (${STEP_FUNCTIONS_STATES.join(' -> ')}), with no retry taken. A retry or a reconciliation adds transitions.`,
    '',
    table(['item', 'per order', 'per 1,000 orders'], [...rows(stepFunctions), ['**total**', '', `**${usd(stepFunctionsUsd)}**`]], ['l', 'r', 'r']),
    '',
    `**EventBridge API Destinations**, where it applies: the POST to Hostinger alone could be an event delivered to an API destination, ` +
      `${usd(apiDestinationsUsd)} per 1,000 orders (${apiDestinations.map((entry) => entry.item).join('; ')}); it cannot bring Hostinger's answer back to ` +
      'the ledger or settle an unknown outcome, so it replaces no step of exactly-once buying.',
  ].join('\n');
  return { usage, pipelineUsd, stepFunctionsUsd, apiDestinationsUsd, text };
}
