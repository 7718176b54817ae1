import type { CatalogPrice, Subscription } from '../hostinger/billing-reader.ts';
import type { PricedLine } from './evaluate.ts';

/** Prices an order's items from the catalog; items the catalog lacks are listed, not guessed. */
export function priceItems(items: { item_id: string; quantity: number }[], prices: Map<string, CatalogPrice>): { lines: PricedLine[]; unpriced: string[] } {
  const lines: PricedLine[] = [];
  const unpriced: string[] = [];
  for (const item of items) {
    const price = prices.get(item.item_id);
    if (!price) {
      unpriced.push(item.item_id);
      continue;
    }
    lines.push({
      itemId: item.item_id,
      quantity: item.quantity,
      currency: price.currency.toUpperCase(),
      unitCents: price.firstPeriodPrice,
      ...(price.category ? { category: price.category } : {}),
    });
  }
  return { lines, unpriced };
}

/** Prices renewals at their subscription's renewal price (the catalog does not list it); those without one are listed. */
export function priceRenewals(subscriptionIds: string[], subscriptions: Subscription[]): { lines: PricedLine[]; unpriced: string[] } {
  const lines: PricedLine[] = [];
  const unpriced: string[] = [];
  for (const id of subscriptionIds) {
    const subscription = subscriptions.find((candidate) => candidate.id === id);
    if (!subscription?.currency_code || typeof subscription.renewal_price !== 'number') {
      unpriced.push(`renewal:${id}`);
      continue;
    }
    lines.push({ itemId: `renewal:${id}`, quantity: 1, currency: subscription.currency_code.toUpperCase(), unitCents: subscription.renewal_price, category: 'RENEWAL' });
  }
  return { lines, unpriced };
}
