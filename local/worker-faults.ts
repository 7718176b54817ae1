import type { WorkerDependencies } from '../lib/worker/process-batch.ts';

/**
 * Where a simulated worker crash strikes: before the claim; after the claim but before the Hostinger call;
 * after the call but before its answer is recorded; after recording but before publishing; after
 * publishing but before the messages are deleted.
 */
export const CRASH_POINTS = ['beforeClaim', 'beforeCall', 'afterCall', 'afterRecord', 'afterPublish'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export class InjectedCrash extends Error {
  override name = 'InjectedCrash';
  constructor(readonly point: CrashPoint) {
    super(`injected crash ${point}`);
  }
}

/** Decides, each time a worker passes a crash point for some requests, whether it dies there. */
export type CrashDecider = (point: CrashPoint, requestIds: string[]) => boolean;

/**
 * Wraps the worker's dependencies so that `crashAt` can kill it at any crash point. A crash aborts the
 * message (or, after publishing, the whole invocation) like a killed process: nothing after it runs, and
 * SQS redelivers after the visibility timeout. Local only.
 */
export function injectWorkerCrashes(deps: WorkerDependencies, crashAt: CrashDecider): WorkerDependencies {
  const maybeCrash = (point: CrashPoint, requestIds: string[]) => {
    if (crashAt(point, requestIds)) throw new InjectedCrash(point);
  };
  // placeOrder sees only the order: the claim tells which request that order object belongs to.
  const requestOf = new WeakMap<object, string>();
  const requestIdsOf = (order: object) => [requestOf.get(order) ?? 'unknown'];
  return {
    ...deps,
    ledger: {
      ...deps.ledger,
      claim: async (request) => {
        requestOf.set(request.order, request.requestId);
        maybeCrash('beforeClaim', [request.requestId]);
        return deps.ledger.claim(request);
      },
      complete: async (requestId, ...rest) => {
        await deps.ledger.complete(requestId, ...rest);
        maybeCrash('afterRecord', [requestId]);
      },
    },
    submit: {
      ...deps.submit,
      placeOrder: async (order, token, context) => {
        maybeCrash('beforeCall', requestIdsOf(order));
        const result = await deps.submit.placeOrder(order, token, context);
        maybeCrash('afterCall', requestIdsOf(order));
        return result;
      },
    },
    publish: async (outcomes) => {
      const failed = await deps.publish(outcomes);
      maybeCrash(
        'afterPublish',
        outcomes.flatMap((outcome) => ('requestId' in outcome ? [outcome.requestId] : [])),
      );
      return failed;
    },
  };
}
