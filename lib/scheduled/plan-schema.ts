import * as z from 'zod/mini';
import { purchaseEntrySchema } from '../order/kinds/purchase.ts';
import { orderFields } from '../order/order-request.ts';

/** A scheduled plan: a reviewed file under batches/ that buys a set of orders on a schedule. */
export const PLAN_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** A run's progress is one ledger item (400 KB at most), so a plan holds up to this many orders. */
export const MAX_PLAN_ORDERS = 2_000;

const RATE = /^rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)$/;
const CRON_FIELD = /^[0-9A-Za-z*?,/#L W-]+$/;

/** EventBridge schedule expressions: `rate(5 minutes)`, or `cron(min hour day-of-month month day-of-week year)`. */
export function scheduleProblem(expression: string): string | undefined {
  if (expression.startsWith('rate(')) return RATE.test(expression) ? undefined : 'must be like rate(1 day) or rate(15 minutes)';
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (!cron) return 'must be a rate(...) or cron(...) expression';
  const fields = (cron[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6) return 'cron(...) needs 6 fields: minutes hours day-of-month month day-of-week year';
  if (!fields.every((field) => CRON_FIELD.test(field))) return 'cron(...) has a field with characters EventBridge does not accept';
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) return 'cron(...) needs "?" in exactly one of day-of-month and day-of-week';
  return undefined;
}

// Each entry of a plan is exactly a purchase request of its kind (`kind`: vps, domain, renewal; none for an
// order): what the plan accepts, its messages always pass.

export const scheduledPlanSchema = z.strictObject({
  description: z.optional(z.string()),
  schedule: z
    .string({ error: 'is required: a rate(...) or cron(...) expression' })
    .check(z.refine((expression) => scheduleProblem(expression) === undefined, { error: (issue) => scheduleProblem(String(issue.input)) ?? 'is invalid' })),
  /** A disabled plan is deployed as a disabled rule: it can still be fired by hand. */
  enabled: z._default(z.boolean(), true),
  /** The payment method of orders that name none (else the account's default is used). */
  payment_method_id: orderFields.payment_method_id,
  orders: z.array(purchaseEntrySchema).check(z.minLength(1, 'must contain at least one order'), z.maxLength(MAX_PLAN_ORDERS, `must contain at most ${MAX_PLAN_ORDERS} orders`)),
});
export type ScheduledPlan = z.output<typeof scheduledPlanSchema>;

export class PlanError extends Error {
  override name = 'PlanError';
}
