import type { AttemptResult } from '../hostinger/place-order.ts';
import { errorCause } from '../order/order-error.ts';
import type { Outcome } from '../order/outcome.ts';

/** What the worker measures, passed in: CloudWatch metrics through Powertools (metrics.ts) in the function. */
export interface OrderMetrics {
  /** One worker invocation's batch: every invocation publishes at least this. */
  batch(messages: number): void;
  /** One Hostinger attempt: its latency, and the cause when it leads to another try. */
  attempt(latencyMs: number, result: AttemptResult): void;
  outcome(outcome: Outcome): void;
}

/** What made an attempt worth another try: the HTTP status or the network error code. */
export function retryCause(result: AttemptResult): string | undefined {
  if (result.kind !== 'retryable' && result.kind !== 'unauthorized' && result.kind !== 'ambiguous') return undefined;
  return errorCause(result.error);
}
