import { describe, expect, it } from 'vitest';
import { PRICES, pipelineCost, STEP_FUNCTIONS_STATES, stepFunctionsCost, totalPer1000, type UsagePerOrder } from '../../bench/cost.ts';

const USAGE: UsagePerOrder = {
  functions: [
    { name: 'createOrder', memoryMb: 512, invocations: 1, billedMs: 20 },
    { name: 'orderWorker', memoryMb: 1024, invocations: 0.1, billedMs: 12 },
  ],
  httpApiRequests: 1,
  sqsRequests: 1.2,
  snsPublishes: 0.1,
  dynamodb: { readUnits: 0, writeUnits: 3, indexWriteUnits: 2 },
  secretsManagerCalls: 0,
};
const price = (name: keyof typeof PRICES.prices) => PRICES.prices[name].usd;

describe('the cost of 1,000 orders on AWS', () => {
  it('has a dated price table naming each price its unit and source page', () => {
    expect(PRICES.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const entry of Object.values(PRICES.prices)) {
      expect(entry.unit).not.toBe('');
      expect(entry.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
    }
  });

  it('prices Lambda by GB-seconds of billed duration at the memory given, and every request and unit', () => {
    const lines = pipelineCost(USAGE);
    const worker = lines.find((line) => line.item.startsWith('Lambda orderWorker duration'));
    expect(worker?.perOrder).toBeCloseTo(0.012);
    const expected =
      1000 *
      (price('httpApiRequest') +
        0.02 * 0.5 * price('lambdaArmGbSecond') +
        price('lambdaRequest') +
        0.012 * price('lambdaArmGbSecond') +
        0.1 * price('lambdaRequest') +
        5 * price('dynamodbWriteRequestUnit') +
        1.2 * price('sqsRequest') +
        0.1 * price('snsPublish'));
    expect(totalPer1000(lines)).toBeCloseTo(expected, 10);
  });

  it('replaces the queue and the worker by state transitions in the Step Functions workflow, keeping the intake and the ledger', () => {
    const lines = stepFunctionsCost(USAGE);
    expect(lines.some((line) => line.item.includes('orderWorker') || line.item.startsWith('SQS'))).toBe(false);
    const transitions = lines.find((line) => line.price === 'stepFunctionsStandardTransition');
    expect(transitions?.usdPer1000).toBeCloseTo(STEP_FUNCTIONS_STATES.length * price('stepFunctionsStandardTransition') * 1000, 10);
    expect(lines.some((line) => line.item.startsWith('Lambda createOrder'))).toBe(true);
  });
});
