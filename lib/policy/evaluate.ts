import { formatCents } from './money.ts';
import type { BudgetWindow, SpendingPolicy } from './spending-policy.ts';
import { BUDGET_WINDOWS } from './spending-policy.ts';

/** One line of an order at its catalog price (first period, in cents). */
export interface PricedLine {
  itemId: string;
  quantity: number;
  currency: string;
  unitCents: number;
  /** The catalog item's category (`VPS`, `DOMAIN`...), when the catalog gives one. */
  category?: string;
}

/** A limit an order breaks: `limit` is the policy field's path (`currencies.USD.daily`), so the reason names it. */
export interface Violation {
  limit: string;
  message: string;
  currency?: string;
  /** The limit, and the amount that would break it (for budgets: used so far plus this order). */
  limitCents?: number;
  amountCents?: number;
}

export interface PolicyVerdict {
  /** The order's total per currency, in cents. */
  totals: Record<string, number>;
  /** Limits it breaks: any one means the order is rejected. */
  violations: Violation[];
  /** Why it needs a human approval (empty: it does not). */
  approvalReasons: string[];
}

/** Cents spent per currency and budget window. */
export type BudgetUsage = Record<string, Record<BudgetWindow, number>>;

const escapeRegex = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/** Whether an item matches a pattern: `category:NAME` (case-insensitive), or a price id with `*` globs. */
export function matchesItem(pattern: string, line: Pick<PricedLine, 'itemId' | 'category'>): boolean {
  if (pattern.startsWith('category:')) return line.category !== undefined && line.category.toLowerCase() === pattern.slice(9).toLowerCase();
  return new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`).test(line.itemId);
}

export function totalsOf(lines: PricedLine[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of lines) totals[line.currency] = (totals[line.currency] ?? 0) + line.unitCents * line.quantity;
  return totals;
}

/**
 * Checks an order's own limits (items, quantities, per-order totals) and whether it needs approval. Budgets,
 * which depend on what else was bought, are checked by `checkBudgets` when the order is reserved.
 */
export function evaluateOrder(policy: SpendingPolicy, kind: string, lines: PricedLine[]): PolicyVerdict {
  const totals = totalsOf(lines);
  const violations: Violation[] = [];
  const approvalReasons: string[] = [];
  const kindPolicy = policy.kinds?.[kind];
  const scopes = [{ prefix: '', rules: policy }, ...(kindPolicy ? [{ prefix: `kinds.${kind}.`, rules: kindPolicy }] : [])];

  for (const { prefix, rules } of scopes) {
    for (const line of lines) {
      const denied = rules.items?.deny?.find((pattern) => matchesItem(pattern, line));
      if (denied) violations.push({ limit: `${prefix}items.deny`, message: `${prefix}items.deny: ${line.itemId} matches "${denied}" and may not be bought` });
      const allow = rules.items?.allow;
      if (allow && !allow.some((pattern) => matchesItem(pattern, line))) {
        violations.push({ limit: `${prefix}items.allow`, message: `${prefix}items.allow: ${line.itemId} matches none of ${allow.join(', ')}` });
      }
    }
    if (rules.maxQuantityPerItem !== undefined) {
      const quantities = new Map<string, number>();
      for (const line of lines) quantities.set(line.itemId, (quantities.get(line.itemId) ?? 0) + line.quantity);
      for (const [itemId, quantity] of quantities) {
        if (quantity > rules.maxQuantityPerItem) {
          violations.push({ limit: `${prefix}maxQuantityPerItem`, message: `${prefix}maxQuantityPerItem: ${quantity} x ${itemId} is more than ${rules.maxQuantityPerItem}` });
        }
      }
    }
    for (const [currency, total] of Object.entries(totals)) {
      const limits = rules.currencies?.[currency];
      const limit = `${prefix}currencies.${currency}`;
      if (limits?.maxOrderTotal !== undefined && total > limits.maxOrderTotal) {
        violations.push({
          limit: `${limit}.maxOrderTotal`,
          message: `${limit}.maxOrderTotal: the order costs ${formatCents(total, currency)}, more than the ${formatCents(limits.maxOrderTotal, currency)} allowed per order`,
          currency,
          limitCents: limits.maxOrderTotal,
          amountCents: total,
        });
      }
      if (limits?.approvalAbove !== undefined && total > limits.approvalAbove) {
        approvalReasons.push(`${limit}.approvalAbove: the order costs ${formatCents(total, currency)}, more than ${formatCents(limits.approvalAbove, currency)}`);
      }
    }
  }
  if (kindPolicy?.requireApproval) approvalReasons.push(`kinds.${kind}.requireApproval: every ${kind} needs approval`);
  return { totals, violations, approvalReasons };
}

const WINDOW_WORDS: Record<BudgetWindow, string> = { daily: 'in the last 24 hours', monthly: 'this month' };

/** The budgets this order would break, given what is already spent. */
export function checkBudgets(policy: SpendingPolicy, totals: Record<string, number>, usage: BudgetUsage): Violation[] {
  const violations: Violation[] = [];
  for (const [currency, amount] of Object.entries(totals)) {
    for (const window of BUDGET_WINDOWS) {
      const budget = policy.currencies?.[currency]?.[window];
      if (budget === undefined) continue;
      const used = usage[currency]?.[window] ?? 0;
      if (used + amount <= budget) continue;
      const limit = `currencies.${currency}.${window}`;
      violations.push({
        limit,
        message:
          `${limit}: this order's ${formatCents(amount, currency)} on top of ${formatCents(used, currency)} spent ${WINDOW_WORDS[window]} ` +
          `would exceed the ${formatCents(budget, currency)} budget (${formatCents(Math.max(0, budget - used), currency)} left)`,
        currency,
        limitCents: budget,
        amountCents: used + amount,
      });
    }
  }
  return violations;
}

export interface BudgetStanding {
  currency: string;
  window: BudgetWindow;
  limit: number;
  used: number;
  left: number;
  /** Share of the budget used, 0 to 100 (or more, if the policy was lowered). */
  usedPercent: number;
}

/** Every budget of the policy with what is used and left. */
export function budgetStandings(policy: SpendingPolicy, usage: BudgetUsage): BudgetStanding[] {
  return Object.entries(policy.currencies ?? {}).flatMap(([currency, limits]) =>
    BUDGET_WINDOWS.flatMap((window) => {
      const limit = limits[window];
      if (limit === undefined) return [];
      const used = usage[currency]?.[window] ?? 0;
      return [{ currency, window, limit, used, left: Math.max(0, limit - used), usedPercent: limit === 0 ? (used > 0 ? 100 : 0) : Math.round((used / limit) * 1000) / 10 }];
    }),
  );
}
