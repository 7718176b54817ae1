import type { WorkerEvent } from '../lib/worker/worker-events.ts';

/** One short terminal line per worker event, in the `key=value` style of the outcome lines `npm start` prints. */
export function formatWorkerEvent(event: WorkerEvent): string {
  const head = `request=${event.requestId} attempt=${event.attempt}`;
  switch (event.kind) {
    case 'retry':
      return `retry     ${head} cause=${event.cause} delay=${Math.round(event.delayMs)}ms`;
    case 'reconciled': {
      const { verdict } = event;
      const detail =
        verdict.result === 'found'
          ? ` subscription=${verdict.subscription?.id ?? verdict.subscriptionId ?? '-'}${verdict.key ? ` key=${verdict.key}` : ''}`
          : verdict.result === 'inconclusive'
            ? ` candidates=${verdict.candidates}`
            : 'reason' in verdict
              ? ` (${verdict.reason})`
              : '';
      return `reconcile ${head} result=${verdict.result}${detail}`;
    }
    case 'deferred':
      return `deferred  ${head} back to the queue (${event.reason})`;
  }
}
