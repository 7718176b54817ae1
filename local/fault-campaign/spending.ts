import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwaitingApproval } from '../../lib/order/approval.ts';
import type { Outcome } from '../../lib/order/outcome.ts';
import type { SandboxOrderRecord } from '../sandbox/billing-account.ts';

/**
 * The campaign's spending policy, on part of its traffic (the EUR orders, about a quarter): a daily budget
 * well below what they would buy, and approval for those above €20. USD orders are unlimited.
 */
export const CAMPAIGN_BUDGET = { currency: 'EUR', daily: 20_000, approvalAbove: 2_000 } as const;
const APPROVER = 'arn:aws:iam::000000000000:user/campaign-approver';
/** Share of held orders the approver denies; the others are approved. */
const DENY_SHARE = 0.3;

export function writeCampaignPolicy(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'campaign-policy-')), 'spending-policy.json');
  const { currency, daily, approvalAbove } = CAMPAIGN_BUDGET;
  writeFileSync(path, JSON.stringify({ currencies: { [currency]: { daily, approvalAbove } } }));
  return path;
}

/** An approver who decides each held order as its order.awaiting_approval arrives: mostly approves, sometimes denies. */
export function campaignApprover(apiUrl: () => string, random: () => number) {
  const decisions = new Map<string, 'approve' | 'deny'>();
  const inFlight = new Set<Promise<void>>();
  const decide = async (requestId: string, action: 'approve' | 'deny') => {
    for (let tries = 0; tries < 5; tries++) {
      const response = await fetch(`${apiUrl()}/orders/${encodeURIComponent(requestId)}/${action}`, {
        method: 'POST',
        headers: { 'x-local-caller': APPROVER, 'x-local-scopes': 'orders/approve' },
      }).catch(() => undefined);
      // 200 decided (or a replay), 409 decided before: either way the decision stands.
      if (response && (response.status === 200 || response.status === 409)) return;
      await new Promise((resolve) => setTimeout(resolve, 200 * (tries + 1)));
    }
  };
  return {
    /** Called for every order.awaiting_approval received (repeats included: the first decision stands). */
    onEvent(event: AwaitingApproval) {
      const action = decisions.get(event.requestId) ?? (random() < DENY_SHARE ? 'deny' : 'approve');
      decisions.set(event.requestId, action);
      const call = decide(event.requestId, action).finally(() => inFlight.delete(call));
      inFlight.add(call);
    },
    decisions,
  };
}

export interface SpendingFigures {
  currency: string;
  budget: number;
  /** What Hostinger was asked for and may charge in the budget's currency (first-period prices before VAT, as the budget counts). */
  spent: number;
  /** 1 when what was bought exceeds the budget: must be 0. */
  budgetOverruns: number;
  rejectedOverBudget: number;
  held: number;
  approved: number;
  denied: number;
  /** Held orders bought without an approval recorded in their outcome: must be 0. */
  boughtWithoutApproval: number;
}

/** Orders that may cost money: made, and not failed, cancelled or refunded. */
const charged = (record: SandboxOrderRecord) => !['failed', 'cancelled', 'refunded'].includes(record.order.status);

export function spendingFigures(input: {
  requests: { requestId: string; coupon: string }[];
  orders: SandboxOrderRecord[];
  finals: Map<string, Outcome | undefined>;
  decisions: Map<string, 'approve' | 'deny'>;
}): SpendingFigures {
  const { currency, daily } = CAMPAIGN_BUDGET;
  const spent = input.orders.filter((record) => charged(record) && record.order.currency === currency).reduce((sum, record) => sum + (record.order.subtotal ?? 0), 0);
  const couponOf = new Map(input.requests.map((request) => [request.requestId, request.coupon]));
  const boughtCoupons = new Set(input.orders.filter(charged).flatMap((record) => record.coupons));
  const held = [...input.decisions.keys()];
  return {
    currency,
    budget: daily,
    spent,
    budgetOverruns: spent > daily ? 1 : 0,
    rejectedOverBudget: [...input.finals.values()].filter((outcome) => outcome?.error?.fieldErrors?.[`currencies.${currency}.daily`] !== undefined).length,
    held: held.length,
    approved: held.filter((id) => input.decisions.get(id) === 'approve').length,
    denied: held.filter((id) => input.decisions.get(id) === 'deny').length,
    boughtWithoutApproval: held.filter((id) => boughtCoupons.has(couponOf.get(id) ?? '') && input.finals.get(id)?.approval?.decision !== 'approved').length,
  };
}
