import type { CatalogPrice, Subscription } from '../hostinger/billing-reader.ts';
import type { BudgetLedger } from '../ledger/budget-ledger.ts';
import type { ApprovalDecision } from '../order/approval.ts';
import { kindOf, type Purchase, priceLines } from '../order/kinds/purchase.ts';
import type { OrderError } from '../order/order-error.ts';
import { type BudgetStanding, budgetStandings, checkBudgets, evaluateOrder, type Violation } from '../policy/evaluate.ts';
import { formatCents } from '../policy/money.ts';
import { priceItems, priceRenewals } from '../policy/pricing.ts';
import { budgetCurrencies, type SpendingPolicy } from '../policy/spending-policy.ts';
import type { TerminalStatus } from './submit-order.ts';

export type SpendDecision =
  /** Send it: its budget is reserved (or no budget applies). */
  | { kind: 'proceed'; totals?: Record<string, number> }
  | { kind: 'rejected'; error: OrderError; totals?: Record<string, number> }
  | { kind: 'approval'; reasons: string[]; totals: Record<string, number> }
  /** Cannot decide now (the catalog cannot be read, a budget is contended): deliver again later. */
  | { kind: 'retry'; reason: string };

export interface SpendGuard {
  policy: SpendingPolicy;
  /**
   * Decides, before an order's first attempt, whether it may be sent. `resumed`: an earlier delivery claimed
   * it and may have sent it; if that one reserved its budget, it did get this far and the order proceeds.
   */
  beforeFirstAttempt(input: { requestId: string; purchase: Purchase; owner?: string; approval?: ApprovalDecision; resumed: boolean; now: Date }): Promise<SpendDecision>;
  /**
   * Ends a request's reservation: given back when nothing was bought (rejected, failed), kept when it was or
   * may be (succeeded, pending). An unknown one stays reserved: the follow-up keeps or gives it back once it
   * is resolved (see follow-up-run.ts).
   */
  settle(requestId: string, status: TerminalStatus, now: Date): Promise<void>;
}

const policyError = (violations: Violation[]): OrderError => ({
  message: `over the spending policy: ${violations.map((violation) => violation.message).join('; ')}`,
  code: 'spending_policy',
  fieldErrors: Object.fromEntries(violations.map((violation) => [violation.limit, [violation.message]])),
});

/** Why a decided order is never bought: it was denied, or nobody decided in time. */
function approvalRefusal(approval: ApprovalDecision | undefined, policy: SpendingPolicy): OrderError | undefined {
  if (approval?.decision === 'denied') {
    return { message: `denied by ${approval.by ?? 'an approver'} at ${approval.at}${approval.reason ? `: ${approval.reason}` : ''}`, code: 'approval_denied' };
  }
  if (approval?.decision === 'expired') return { message: `no approval within ${policy.approval.expiryHours} hours (expired at ${approval.at})`, code: 'approval_expired' };
  return undefined;
}

/** Why an approval does not cover the order any more: it costs more now, at catalog prices, than the approver was shown. */
function outgrownApproval(approval: ApprovalDecision, totals: Record<string, number>): OrderError | undefined {
  const shown = approval.totals;
  if (!shown) return undefined;
  const dearer = Object.entries(totals).filter(([currency, cents]) => cents > (shown[currency] ?? 0));
  if (dearer.length === 0) return undefined;
  const was = Object.entries(shown).map(([currency, cents]) => formatCents(cents, currency));
  const now = dearer.map(([currency, cents]) => formatCents(cents, currency));
  return {
    message:
      `approved by ${approval.by ?? 'an approver'} at ${approval.at} for ${was.join(' + ')}, but at catalog prices it now costs ${now.join(' + ')}: ` +
      'nothing was bought; send it again to have it approved at this price',
    code: 'approval_outdated',
  };
}

const isUnlimited = (policy: SpendingPolicy) =>
  policy.currencies === undefined && policy.maxQuantityPerItem === undefined && policy.items === undefined && policy.kinds === undefined;

export function createSpendGuard(deps: {
  policy: SpendingPolicy;
  prices: () => Promise<Map<string, CatalogPrice>>;
  /** The account's subscriptions: a renewal costs its subscription's renewal price (without them renewals wait). */
  subscriptions?: () => Promise<Subscription[]>;
  budgets: BudgetLedger;
  /** Told how full the budgets are after each reservation (metrics, the 80% alarm). */
  onBudgetUsage?: (standings: BudgetStanding[]) => void;
}): SpendGuard {
  const { policy, budgets } = deps;
  const budgeted = budgetCurrencies(policy);

  return {
    policy,
    async beforeFirstAttempt({ requestId, purchase, owner, approval, resumed, now }) {
      // A denial or an expiry stands whatever the policy says now: it may have been relaxed during the wait.
      const refusal = approvalRefusal(approval, policy);
      if (isUnlimited(policy)) return refusal ? { kind: 'rejected', error: refusal } : { kind: 'proceed' };
      if (resumed && budgeted.length > 0 && (await budgets.holds(requestId, budgeted))) return { kind: 'proceed' };
      const kind = kindOf(purchase);
      const { items, renewals } = priceLines(purchase);
      let priced;
      try {
        const [prices, subscriptions] = await Promise.all([
          deps.prices(),
          renewals.length > 0 ? (deps.subscriptions ?? (() => Promise.reject(new Error('no subscriptions to price renewals'))))() : [],
        ]);
        const bought = priceItems(items, prices);
        const renewed = priceRenewals(renewals, subscriptions);
        priced = { lines: [...bought.lines, ...renewed.lines], unpriced: [...bought.unpriced, ...renewed.unpriced] };
      } catch (error) {
        // Without prices the policy cannot be applied: the order waits rather than slipping through.
        return { kind: 'retry', reason: `the catalog cannot be read to apply the spending policy: ${error instanceof Error ? error.message : String(error)}` };
      }
      const { lines, unpriced } = priced;
      if (unpriced.length > 0) {
        return {
          kind: 'rejected',
          error: { message: `the spending policy cannot price ${unpriced.join(', ')}: not in the Hostinger catalog or the account's subscriptions`, code: 'spending_policy' },
        };
      }
      const verdict = evaluateOrder(policy, kind, lines);
      const { totals } = verdict;
      if (verdict.violations.length > 0) return { kind: 'rejected', error: policyError(verdict.violations), totals };
      if (refusal) return { kind: 'rejected', error: refusal, totals };
      if (verdict.approvalReasons.length > 0 && approval?.decision !== 'approved') return { kind: 'approval', reasons: verdict.approvalReasons, totals };
      const outgrown = verdict.approvalReasons.length > 0 && approval ? outgrownApproval(approval, totals) : undefined;
      if (outgrown) return { kind: 'rejected', error: outgrown, totals };
      const reserved = Object.fromEntries(Object.entries(totals).filter(([currency]) => budgeted.includes(currency)));
      if (Object.keys(reserved).length === 0) return { kind: 'proceed', totals };
      try {
        const reservation = await budgets.reserve(requestId, reserved, (usage, amounts) => checkBudgets(policy, amounts, usage), now, owner);
        deps.onBudgetUsage?.(budgetStandings(policy, reservation.usage).filter((standing) => standing.currency in reservation.usage));
        return reservation.reserved ? { kind: 'proceed', totals } : { kind: 'rejected', error: policyError(reservation.violations), totals };
      } catch (error) {
        return { kind: 'retry', reason: error instanceof Error ? error.message : String(error) };
      }
    },

    async settle(requestId, status, now) {
      if (budgeted.length === 0 || status === 'unknown') return;
      await budgets.settle(requestId, budgeted, status === 'rejected' || status === 'failed' ? 'release' : 'keep', now);
    },
  };
}
