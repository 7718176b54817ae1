import { LineCounter, isMap, isSeq, parseDocument, type Node } from 'yaml';
import * as z from 'zod/mini';
import { orderItemSchema, ORDER_LIMITS } from './order-request.ts';

/**
 * A batch plan: a reviewed file under batches/ that buys a set of orders on a schedule. YAML or JSON (JSON
 * is read as YAML, so both report errors with line numbers).
 */
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

const planOrderSchema = z.strictObject({
  items: z.array(orderItemSchema).check(z.minLength(1, 'must contain at least one item'), z.maxLength(ORDER_LIMITS.maxItems, `must contain at most ${ORDER_LIMITS.maxItems} items`)),
  payment_method_id: z.optional(z.int().check(z.gte(1, 'must be a positive integer'))),
  coupons: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(ORDER_LIMITS.maxCouponLength))).check(z.maxLength(ORDER_LIMITS.maxCoupons))),
});

export const batchPlanSchema = z.strictObject({
  description: z.optional(z.string()),
  schedule: z.string({ error: 'is required: a rate(...) or cron(...) expression' }).check(
    z.refine((expression) => scheduleProblem(expression) === undefined, { error: (issue) => scheduleProblem(String(issue.input)) ?? 'is invalid' }),
  ),
  /** A disabled plan is deployed as a disabled rule: it can still be fired by hand. */
  enabled: z._default(z.boolean(), true),
  /** The payment method of orders that name none (else the account's default is used). */
  payment_method_id: z.optional(z.int().check(z.gte(1, 'must be a positive integer'))),
  orders: z.array(planOrderSchema).check(z.minLength(1, 'must contain at least one order'), z.maxLength(MAX_PLAN_ORDERS, `must contain at most ${MAX_PLAN_ORDERS} orders`)),
});
export type BatchPlan = z.output<typeof batchPlanSchema>;

export class PlanError extends Error {
  override name = 'PlanError';
}

/** The YAML node at a path, or the nearest ancestor that exists (for a missing key, its parent). */
function nodeAt(root: Node | null | undefined, path: PropertyKey[]): Node | null | undefined {
  let node = root;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === segment);
      if (!pair) return node;
      // An unknown key is best reported at the key itself.
      node = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (!item) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

/** Parses and validates a plan file; every problem is reported as `file:line: field message`. */
export function parsePlan(fileName: string, text: string): BatchPlan {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (offset: number | undefined) => `${fileName}:${offset === undefined ? 1 : lines.linePos(offset).line}`;
  if (document.errors.length > 0) {
    throw new PlanError(document.errors.map((error) => `${where(error.pos[0])}: ${error.message.split('\n')[0]}`).join('\n'));
  }
  const parsed = batchPlanSchema.safeParse(document.toJS());
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    const field = path.map(String).join('.') || 'plan';
    const message = issue.code === 'unrecognized_keys' ? `is not a known field (${issue.keys.join(', ')})` : issue.message;
    return `${where(nodeAt(document.contents, path)?.range?.[0])}: ${field} ${message}`;
  });
  throw new PlanError(problems.join('\n'));
}

export function planNameOf(fileName: string): string {
  const name = fileName.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/i, '');
  if (!PLAN_NAME_PATTERN.test(name)) throw new PlanError(`${fileName}: a plan's file name must be letters, digits, "_" and "-" (up to 64), then .yaml, .yml or .json`);
  return name;
}
