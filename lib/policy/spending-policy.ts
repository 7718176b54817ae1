import * as z from 'zod/mini';

/**
 * The spending policy: limits the worker enforces before an order's first attempt. Every field is optional
 * and its absence means "no limit"; an empty object `{}` allows everything, as the pipeline did before.
 * Amounts are in cents (Hostinger's unit), per currency (ISO 4217 code, upper case). The single source of
 * the policy's types; docs/spending-policy.md documents each field.
 */

const cents = z.int({ error: 'must be a whole number of cents' }).check(z.gte(0, 'must be at least 0'));
const currencyCode = z.string().check(z.regex(/^[A-Z]{3}$/, 'must be a currency code such as USD'));
/** A price id (`hostingercom-vps-kvm2-usd-1m`), a glob over price ids (`hostingercom-vps-*`), or `category:VPS`. */
const itemPattern = z
  .string()
  .check(z.regex(/^(category:[A-Za-z0-9_-]+|[A-Za-z0-9*][A-Za-z0-9._*-]*)$/, 'must be a price id, a glob such as hostingercom-vps-*, or category:NAME'));

/** Limits that apply to one order, whatever else was bought. */
const orderLimits = {
  /** The most one order may cost (first-period catalog price x quantity, summed). Default: no limit. */
  maxOrderTotal: z.optional(cents),
  /** Orders costing more than this wait for a human approval. Default: none needs approval. */
  approvalAbove: z.optional(cents),
};

export const currencyPolicySchema = z.strictObject({
  ...orderLimits,
  /** Total reserved by orders in the last 24 hours (counted in whole hours). Default: no limit. */
  daily: z.optional(cents),
  /** Total reserved by orders in the current calendar month (UTC). Default: no limit. */
  monthly: z.optional(cents),
});

export const itemRulesSchema = z.strictObject({
  /** When given, only matching items may be bought. Default: every catalog item. */
  allow: z.optional(z.array(itemPattern)),
  /** Matching items are never bought (wins over allow). Default: none. */
  deny: z.optional(z.array(itemPattern)),
});

/** What one kind of purchase (`order`, and the kinds issue 12 adds) may do, on top of the account-wide rules. */
export const kindPolicySchema = z.strictObject({
  /** Per-order limits per currency for this kind (budgets are account-wide). Default: none. */
  currencies: z.optional(z.record(currencyCode, z.strictObject(orderLimits))),
  /** Default: no limit beyond the account-wide one. */
  maxQuantityPerItem: z.optional(z.int().check(z.gte(1))),
  items: z.optional(itemRulesSchema),
  /** Every order of this kind waits for approval. Default: false. */
  requireApproval: z.optional(z.boolean()),
});

export const approvalSettingsSchema = z.strictObject({
  /** Hours an order waits for a decision before it ends rejected. Default: 24. */
  expiryHours: z._default(z.int().check(z.gte(1), z.lte(720)), 24),
  /** Whether the caller who placed an order may approve it. Default: false. */
  allowSelfApproval: z._default(z.boolean(), false),
});

export const spendingPolicySchema = z.strictObject({
  /** Limits and budgets per currency. Default: none. */
  currencies: z.optional(z.record(currencyCode, currencyPolicySchema)),
  /** The most of one item an order may buy. Default: no limit (the request schema caps it at 100). */
  maxQuantityPerItem: z.optional(z.int().check(z.gte(1))),
  items: z.optional(itemRulesSchema),
  /** Rules per kind of purchase, keyed by kind (`order` is POST /orders). Default: none. */
  kinds: z.optional(z.record(z.string().check(z.regex(/^[a-z][a-z0-9_-]*$/)), kindPolicySchema)),
  approval: z._default(approvalSettingsSchema, { expiryHours: 24, allowSelfApproval: false }),
});

export type SpendingPolicy = z.output<typeof spendingPolicySchema>;
export type CurrencyPolicy = z.output<typeof currencyPolicySchema>;
export type BudgetWindow = 'daily' | 'monthly';
export const BUDGET_WINDOWS: readonly BudgetWindow[] = ['daily', 'monthly'];

export const NO_LIMITS: SpendingPolicy = spendingPolicySchema.parse({});

/** Parses a policy document; throws with every problem and its path. */
export function parseSpendingPolicy(input: unknown, source = 'spending policy'): SpendingPolicy {
  const result = spendingPolicySchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`${source} is invalid: ${problems.join('; ')}`);
}

/** The currencies with a budget: only their orders need a reservation. */
export const budgetCurrencies = (policy: SpendingPolicy): string[] =>
  Object.entries(policy.currencies ?? {})
    .filter(([, limits]) => limits.daily !== undefined || limits.monthly !== undefined)
    .map(([currency]) => currency);

/** The kind of purchase POST /orders and the orders queue carry; other kinds name themselves. */
export const ORDER_KIND = 'order';
