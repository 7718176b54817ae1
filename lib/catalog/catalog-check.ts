import type { CatalogPrice, PaymentMethod } from '../hostinger/billing-reader.ts';
import type { FieldErrors, OrderRequest } from '../order/order-request.ts';

/** Edit distance, for suggesting the catalog ids nearest to a mistyped one. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

export function nearestIds(wanted: string, ids: string[], count = 3): string[] {
  return ids
    .map((id) => ({ id, score: distance(wanted, id) }))
    .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id))
    .slice(0, count)
    .map(({ id }) => id);
}

export interface CatalogCheck {
  /** Field errors for what the catalog or the account refuses, with the nearest valid ids suggested. */
  errors: FieldErrors;
  /** Cautions that do not stop the order (a card that may need 3-D Secure verification). */
  warnings: string[];
  /** What the order costs in its first period, per currency, in cents (before VAT and coupons). */
  totals: Record<string, number>;
}

/**
 * Checks an order against the catalog and the account's payment methods: every item_id must be a price id
 * of the catalog, and the payment method (given, or the default) must exist, be unexpired and unsuspended.
 */
export function checkAgainstCatalog(order: OrderRequest, prices: Map<string, CatalogPrice>, paymentMethods: PaymentMethod[]): CatalogCheck {
  const errors: FieldErrors = {};
  const warnings: string[] = [];
  const totals: Record<string, number> = {};
  order.items.forEach((item, index) => {
    const price = prices.get(item.item_id);
    if (!price) {
      errors[`items.${index}.item_id`] = [`is not in the Hostinger catalog; nearest: ${nearestIds(item.item_id, [...prices.keys()]).join(', ')}`];
      return;
    }
    totals[price.currency] = (totals[price.currency] ?? 0) + price.firstPeriodPrice * item.quantity;
  });
  const method =
    order.payment_method_id === undefined ? paymentMethods.find((candidate) => candidate.is_default) : paymentMethods.find((candidate) => candidate.id === order.payment_method_id);
  const field = 'payment_method_id';
  if (!method) {
    errors[field] = [
      order.payment_method_id === undefined
        ? 'is missing and the account has no default payment method'
        : `is not a payment method of this account (${paymentMethods.map((m) => m.id).join(', ') || 'none'})`,
    ];
  } else if (method.is_expired) {
    errors[field] = [`${method.id} has expired`];
  } else if (method.is_suspended) {
    errors[field] = [`${method.id} is suspended`];
  } else if (method.payment_method === 'card' || method.payment_method === 'credit_card') {
    warnings.push(`payment method ${method.id} is a card: the payment may need 3-D Secure verification, leaving the order pending`);
  }
  return { errors, warnings, totals };
}
