import * as z from 'zod/mini';
import { OUTCOME_STATUSES, type Outcome } from '../order/outcome.ts';

/** Published batch events, next to order outcomes on the same topic: versioned, filterable by `type`. */
const countsSchema = z.object(Object.fromEntries(OUTCOME_STATUSES.map((status) => [status, z.int()])) as Record<Outcome['status'], z.ZodMiniInt>);

export const batchEnqueuedSchema = z.object({
  version: z.literal(1),
  outcomeId: z.string(),
  type: z.literal('batch.enqueued'),
  plan: z.string(),
  run: z.string(),
  scheduledAt: z.string(),
  size: z.int(),
  enqueuedAt: z.string(),
});
export type BatchEnqueued = z.output<typeof batchEnqueuedSchema>;

export const batchCompletedSchema = z.object({
  version: z.literal(1),
  outcomeId: z.string(),
  type: z.literal('batch.completed'),
  run: z.string(),
  size: z.int(),
  counts: countsSchema,
  /** Totals of the orders Hostinger made (succeeded or pending), per currency, in cents. */
  totals: z.record(z.string(), z.int()),
  completedAt: z.string(),
});
export type BatchCompleted = z.output<typeof batchCompletedSchema>;

/** One order's part in its run's summary. */
export interface RunEntry {
  status: Outcome['status'];
  currency?: string;
  total?: number;
}

export const runEntryOf = (outcome: Outcome): RunEntry => ({
  status: outcome.status,
  ...(outcome.order?.currency && typeof outcome.order.total === 'number' ? { currency: outcome.order.currency, total: outcome.order.total } : {}),
});

export const runCompletedId = (run: string) => `batch.completed:${run}`;

export function summarizeRun(run: string, size: number, entries: RunEntry[], completedAt: Date): BatchCompleted {
  const counts = Object.fromEntries(OUTCOME_STATUSES.map((status) => [status, 0])) as BatchCompleted['counts'];
  const totals: Record<string, number> = {};
  for (const entry of entries) {
    counts[entry.status] += 1;
    if (entry.currency && entry.total !== undefined && (entry.status === 'succeeded' || entry.status === 'pending')) {
      totals[entry.currency] = (totals[entry.currency] ?? 0) + entry.total;
    }
  }
  return { version: 1, outcomeId: runCompletedId(run), type: 'batch.completed', run, size, counts, totals, completedAt: completedAt.toISOString() };
}
