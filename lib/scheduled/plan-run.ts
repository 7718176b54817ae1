import type { PlanRunLedger } from '../ledger/plan-run-ledger.ts';
import type { EnqueueOrders } from '../messaging/order-queue.ts';
import type { PublishOutcomes } from '../messaging/outcome-publisher.ts';
import type { PurchaseMessage } from '../order/kinds/purchase.ts';
import { PLAN_NAME_PATTERN, type ScheduledPlan } from './plan-schema.ts';
import type { BatchEnqueued } from './run-events.ts';

/** What the schedule passes: the plan's name and the time the firing was scheduled for. */
export interface PlanFiring {
  plan: string;
  time: string;
}

export interface PlanRunDependencies {
  loadPlan: (name: string) => Promise<ScheduledPlan>;
  ledger: PlanRunLedger;
  enqueue: EnqueueOrders;
  publish: PublishOutcomes;
  now: () => Date;
}

/** `2026-12-01T03:00:00Z`: the scheduled time, to the second, names the run. */
function runTime(time: string): string {
  const at = new Date(time);
  if (Number.isNaN(at.getTime())) throw new Error(`the firing's time "${time}" is not a date`);
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The orders of one run, with request ids derived from plan, scheduled time and position: a schedule that
 * fires twice for the same time, or a retried run, queues the same request ids, and the ledger buys each once.
 */
export function runMessages(planName: string, plan: ScheduledPlan, scheduledAt: string): { run: string; messages: PurchaseMessage[] } {
  const run = `${planName}:${scheduledAt}`;
  const size = plan.orders.length;
  const messages = plan.orders.map((order, index) => {
    const paymentMethodId = order.payment_method_id ?? plan.payment_method_id;
    return {
      requestId: `batch:${run}:${index + 1}`,
      batchRun: { run, size },
      ...order,
      ...(paymentMethodId === undefined ? {} : { payment_method_id: paymentMethodId }),
    };
  });
  return { run, messages };
}

/** Fires a plan: records the run, queues its orders and announces `batch.enqueued`. */
export async function runPlan(firing: PlanFiring, deps: PlanRunDependencies): Promise<BatchEnqueued> {
  if (!PLAN_NAME_PATTERN.test(firing.plan)) throw new Error(`"${firing.plan}" is not a plan name`);
  const scheduledAt = runTime(firing.time);
  const plan = await deps.loadPlan(firing.plan);
  const { run, messages } = runMessages(firing.plan, plan, scheduledAt);
  await deps.ledger.createRun({ run, plan: firing.plan, size: messages.length, scheduledAt, now: deps.now() });
  await deps.enqueue(messages);
  const enqueued: BatchEnqueued = {
    version: 1,
    outcomeId: `batch.enqueued:${run}`,
    type: 'batch.enqueued',
    plan: firing.plan,
    run,
    scheduledAt,
    size: messages.length,
    enqueuedAt: deps.now().toISOString(),
  };
  const unpublished = await deps.publish([enqueued]);
  if (unpublished.size > 0) throw new Error(`batch.enqueued for ${run} could not be published; the firing will be retried`);
  return enqueued;
}
