import type { BatchCompleted, BatchEnqueued } from '../scheduled/run-events.ts';
import type { Outcome } from '../order/outcome.ts';
import type { AwaitingApproval } from '../order/approval.ts';

/** Everything published on the outcomes topic: order outcomes, the interim order.awaiting_approval, and batch events. */
export type Publishable = Outcome | AwaitingApproval | BatchEnqueued | BatchCompleted;

/** Publishes documents; resolves to the `outcomeId`s of those that could not be published. */
export type PublishOutcomes = (documents: Publishable[]) => Promise<Set<string>>;
