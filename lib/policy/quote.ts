import { checkAgainstCatalog } from '../catalog/catalog-check.ts';
import type { CatalogPrice, PaymentMethod } from '../hostinger/billing-reader.ts';
import type { FieldErrors, OrderRequest } from '../order/order-request.ts';
import { type BudgetStanding, type BudgetUsage, budgetStandings, checkBudgets, evaluateOrder, type PricedLine, type Violation } from './evaluate.ts';
import { priceItems } from './pricing.ts';
import type { SpendingPolicy } from './spending-policy.ts';

/** What an order would cost and whether it could be bought now: the answer of POST /quotes and of the CLI's --dry-run. */
export interface Quote {
  /** Each item at its catalog price (first period, cents, before VAT and coupons). */
  items: { itemId: string; name: string; category?: string; period: string; currency: string; quantity: number; unitPrice: number; subtotal: number }[];
  totals: Record<string, number>;
  /** The payment method that would be charged: the one given, or the account's default. */
  paymentMethod: { id: number; name?: string; type?: string; isDefault: boolean } | null;
  /** What the catalog or the account would refuse (the order would be rejected). */
  errors: FieldErrors;
  /** Cautions: a card that may need 3-D Secure verification (the order may end pending). */
  warnings: string[];
  policy: {
    /** `allowed`: it would be bought; `needs_approval`: it would wait for approval; `rejected`: a limit refuses it. */
    verdict: 'allowed' | 'needs_approval' | 'rejected';
    violations: Violation[];
    approvalReasons: string[];
  };
  /** Every budget of the policy as it stands now (before this order). */
  budgets: BudgetStanding[];
}

const periodOf = (price: CatalogPrice) => `${price.period} ${price.periodUnit}${price.period === 1 || price.periodUnit.endsWith('s') ? '' : 's'}`;

/** Quotes an order (pure: the catalog, payment methods, policy and budget usage are given). */
export function quoteOrder(input: {
  order: OrderRequest;
  kind: string;
  prices: Map<string, CatalogPrice>;
  paymentMethods: PaymentMethod[];
  policy: SpendingPolicy;
  usage: BudgetUsage;
  /** Renewals, priced from their subscriptions (the catalog does not list them). */
  renewals?: PricedLine[];
}): Quote {
  const { order, prices, paymentMethods, policy, usage } = input;
  const renewals = input.renewals ?? [];
  const check = checkAgainstCatalog(order, prices, paymentMethods);
  const lines = [...priceItems(order.items, prices).lines, ...renewals];
  const verdict = evaluateOrder(policy, input.kind, lines);
  const violations = [...verdict.violations, ...checkBudgets(policy, verdict.totals, usage)];
  const method = order.payment_method_id === undefined ? paymentMethods.find((m) => m.is_default) : paymentMethods.find((m) => m.id === order.payment_method_id);
  return {
    items: [
      ...order.items.flatMap((item) => {
        const price = prices.get(item.item_id);
        if (!price) return [];
        return [
          {
            itemId: item.item_id,
            name: price.itemName,
            ...(price.category ? { category: price.category } : {}),
            period: periodOf(price),
            currency: price.currency,
            quantity: item.quantity,
            unitPrice: price.firstPeriodPrice,
            subtotal: price.firstPeriodPrice * item.quantity,
          },
        ];
      }),
      ...renewals.map((line) => ({
        itemId: line.itemId,
        name: line.itemId,
        category: 'RENEWAL',
        period: 'renewal',
        currency: line.currency,
        quantity: 1,
        unitPrice: line.unitCents,
        subtotal: line.unitCents,
      })),
    ],
    totals: verdict.totals,
    paymentMethod: method ? { id: method.id, name: method.name, type: method.payment_method, isDefault: method.is_default === true } : null,
    errors: check.errors,
    warnings: check.warnings,
    policy: {
      verdict: violations.length > 0 ? 'rejected' : verdict.approvalReasons.length > 0 ? 'needs_approval' : 'allowed',
      violations,
      approvalReasons: verdict.approvalReasons,
    },
    budgets: budgetStandings(policy, usage),
  };
}
