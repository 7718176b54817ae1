import type { BatchCompleted, BatchEnqueued } from '../scheduled/run-events.ts';
import type { Outcome } from '../order/outcome.ts';

/** Everything published on the outcomes topic: order outcomes and batch events. */
export type Publishable = Outcome | BatchEnqueued | BatchCompleted;

/** Publishes documents; resolves to the `outcomeId`s of those that could not be published. */
export type PublishOutcomes = (documents: Publishable[]) => Promise<Set<string>>;
