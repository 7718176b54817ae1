import type { AwaitingApproval } from '../order/approval.ts';
import { OUTCOME_STATUSES, type Outcome } from '../order/outcome.ts';
import type { OrderResolved } from '../order/resolution.ts';
import type { BatchCompleted, BatchEnqueued } from '../scheduled/run-events.ts';

/** Everything published on the outcomes topic: order outcomes, the interim order.awaiting_approval, the follow-up order.resolved, and batch events. */
export type Publishable = Outcome | AwaitingApproval | OrderResolved | BatchEnqueued | BatchCompleted;

/** Publishes documents; resolves to the `outcomeId`s of those that could not be published. */
export type PublishOutcomes = (documents: Publishable[]) => Promise<Set<string>>;

const OUTCOME_TYPES = new Set<string>(OUTCOME_STATUSES.map((status) => `order.${status}`));

/** An order outcome, as opposed to an interim event, a follow-up or a batch event. */
export const isOrderOutcome = (document: Publishable): document is Outcome => OUTCOME_TYPES.has(document.type);
