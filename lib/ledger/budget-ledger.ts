import type { BudgetUsage, Violation } from '../policy/evaluate.ts';

export type ReserveResult =
  /** Reserved now, or `already` by an earlier delivery of the same request. */
  | { reserved: true; already: boolean; usage: BudgetUsage }
  /** Nothing reserved: the order would break these budgets. */
  | { reserved: false; violations: Violation[]; usage: BudgetUsage };

/**
 * Budgets per currency that concurrent workers share. A reservation counts an order's total against its
 * budgets before the order is sent; every write is conditional on what the writer read, so two workers can
 * never together spend more than a budget allows.
 */
export interface BudgetLedger {
  /**
   * Reserves `totals` (cents per currency) for a request if `check` finds no violation in the spending
   * so far plus this order, counting it for `owner` too. Idempotent per request: a repeat returns `already`.
   */
  reserve(
    requestId: string,
    totals: Record<string, number>,
    check: (usage: BudgetUsage, totals: Record<string, number>) => Violation[],
    now: Date,
    owner?: string,
  ): Promise<ReserveResult>;
  /** Ends a request's reservations: `release` gives the amount back (nothing bought), `keep` makes it final. Idempotent. */
  settle(requestId: string, currencies: string[], how: 'release' | 'keep', now: Date): Promise<void>;
  /**
   * Whether a request holds a whole reservation, found in any of these currencies (an earlier delivery
   * reserved it); not when that delivery died between the currencies of its reservation.
   */
  holds(requestId: string, currencies: string[]): Promise<boolean>;
  /** Spending so far per currency and window: everyone's, or one owner's (the caller who placed the orders). */
  usage(currencies: string[], now: Date, owner?: string): Promise<BudgetUsage>;
}

/** Thrown when a budget item stayed too contended to write: the message is delivered again later. */
export class BudgetContentionError extends Error {
  override name = 'BudgetContentionError';
}
