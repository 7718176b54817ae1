import { describe, expect, it } from 'vitest';
import type { BundleFigures, ColdStartResult, FunctionFigures } from '../../bench/coldstart.ts';
import { heldThroughputTarget, report, TARGETS } from '../../bench/report.ts';
import { workerStepTimer } from '../../bench/worker-steps.ts';
import type { WorkerDependencies } from '../../lib/worker/process-batch.ts';

const DEPLOYED = { batchSize: 10, concurrency: 5 };

describe("the bench's throughput targets", () => {
  it('hold one invocation at the bench latency and the deployed shape at ten times it, with the deployed batch size', () => {
    expect(heldThroughputTarget({ batchSize: 10, concurrency: 1, latencyMs: 100 }, DEPLOYED, 100)).toBe(TARGETS.throughputRatioAtBenchLatency);
    expect(heldThroughputTarget({ batchSize: 10, concurrency: 5, latencyMs: 1000 }, DEPLOYED, 100)).toBe(TARGETS.throughputRatio);
  });

  it('report the other runs without holding them', () => {
    expect(heldThroughputTarget({ batchSize: 10, concurrency: 5, latencyMs: 100 }, DEPLOYED, 100)).toBeUndefined();
    expect(heldThroughputTarget({ batchSize: 10, concurrency: 10, latencyMs: 100 }, DEPLOYED, 100)).toBeUndefined();
    expect(heldThroughputTarget({ batchSize: 1, concurrency: 1, latencyMs: 100 }, DEPLOYED, 100)).toBeUndefined();
    expect(heldThroughputTarget({ batchSize: 10, concurrency: 1, latencyMs: 1000 }, DEPLOYED, 100)).toBeUndefined();
  });
});

const bundleFigures = (name: string, bytes: number, loadMs: number): BundleFigures => ({
  name,
  bytes,
  loadMs: { median: loadMs, min: loadMs, max: loadMs },
  loadRatio: 1,
  unused: [],
  clients: ['@aws-sdk/client-dynamodb'],
  largest: [],
});

const fn = (name: string, bytes: number, loadMs: number, naive: { bytes: number; loadMs: number }, workerLoadRatio: number): FunctionFigures => ({
  ...bundleFigures(name, bytes, loadMs),
  naive,
  loadRatio: loadMs / naive.loadMs,
  workerLoadRatio,
});

const coldStart = (functions: FunctionFigures[]): ColdStartResult => ({
  runs: 10,
  node: 'v24.21.0',
  runtime: 'nodejs24.x',
  preloaded: ['node:http'],
  baseline: bundleFigures('naive baseline', 500_000, 40),
  functions,
});

const failed = (functions: FunctionFigures[]) =>
  report({ latencyMs: 100, functions: {}, coldStart: coldStart(functions) })
    .checks.filter((check) => !check.pass)
    .map((check) => check.figure);

describe("the bench's cold-start targets", () => {
  it("hold each function to 0.65 of its own naive bundle's size and load time", () => {
    expect(failed([fn('lean', 300_000, 20, { bytes: 1_500_000, loadMs: 40 }, 0.5)])).toEqual([]);
    expect(failed([fn('slow', 300_000, 30, { bytes: 1_500_000, loadMs: 40 }, 0.75)])).toEqual(['slow load time (ms), against its code bundled naively']);
    expect(failed([fn('big', 300_000, 20, { bytes: 400_000, loadMs: 40 }, 0.5)])).toEqual(['big bundle size (bytes), against its code bundled naively']);
  });

  it('hold every function to at most the naive worker, in size and in load time', () => {
    expect(failed([fn('heavy', 600_000, 20, { bytes: 2_000_000, loadMs: 40 }, 0.5)])).toEqual(['heavy size and load time against the naive worker']);
    expect(failed([fn('late', 300_000, 20, { bytes: 1_500_000, loadMs: 40 }, 1.1)])).toEqual(['late size and load time against the naive worker']);
  });
});

describe("the worker's step timer", () => {
  it('times the claim, the call, the answer, the completion and the publish, and forgets on reset', async () => {
    const timer = workerStepTimer();
    const pause = () => new Promise<void>((resolve) => setTimeout(resolve, 5));
    const deps = timer.decorate({
      ledger: { claim: pause, recordAnswer: pause, complete: pause },
      submit: { placeOrder: pause },
      publish: pause,
    } as unknown as WorkerDependencies);
    await deps.ledger.claim({} as never);
    expect(Object.keys(timer.medians())).toEqual(['claim']);
    timer.reset();
    await Promise.all([
      deps.submit.placeOrder({} as never, 'token'),
      deps.ledger.recordAnswer('s', 'r', new Date()),
      deps.ledger.complete('r', 't', {} as never, new Date()),
      deps.publish([]),
    ]);
    const medians = timer.medians();
    expect(Object.keys(medians).sort()).toEqual(['answer', 'call', 'complete', 'publish']);
    for (const ms of Object.values(medians)) expect(ms).toBeGreaterThanOrEqual(4);
  });
});
