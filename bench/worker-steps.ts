/**
 * How long the worker's steps take in a run, timed around its dependencies: per order the claim, the Hostinger
 * call, recording the answer and completing the request (the exactly-once ledger writes around the call), and per
 * batch the publish. The raw fetch loop makes the call alone; the rest is what a batch adds to it.
 */
import { performance } from 'node:perf_hooks';
import type { WorkerDependencies } from '../lib/worker/process-batch.ts';
import { median } from './stats.ts';

export const WORKER_STEPS = ['claim', 'call', 'answer', 'complete', 'publish'] as const;
export type WorkerStep = (typeof WORKER_STEPS)[number];

/** Median ms of each step, over the run (steps a run never took are absent). */
export type WorkerStepTimes = Partial<Record<WorkerStep, number>>;

export interface WorkerStepTimer {
  /** For startLocalStack's decorateWorker: the same dependencies, timed. */
  decorate(deps: WorkerDependencies): WorkerDependencies;
  /** Forgets what was timed so far (the warm-up, the raw loop). */
  reset(): void;
  medians(): WorkerStepTimes;
}

export function workerStepTimer(): WorkerStepTimer {
  let samples = new Map<WorkerStep, number[]>();
  const timed =
    <A extends unknown[], R>(step: WorkerStep, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      try {
        return await fn(...args);
      } finally {
        const list = samples.get(step) ?? [];
        list.push(performance.now() - started);
        samples.set(step, list);
      }
    };
  return {
    decorate: (deps) => ({
      ...deps,
      ledger: {
        ...deps.ledger,
        claim: timed('claim', deps.ledger.claim),
        recordAnswer: timed('answer', deps.ledger.recordAnswer),
        complete: timed('complete', deps.ledger.complete),
      },
      submit: { ...deps.submit, placeOrder: timed('call', deps.submit.placeOrder) },
      publish: timed('publish', deps.publish),
    }),
    reset: () => {
      samples = new Map();
    },
    medians: () => Object.fromEntries([...samples].map(([step, ms]) => [step, median(ms)])),
  };
}
