import { checkAgainstCatalog } from './catalog-check.ts';
import type { BillingReader, CatalogPrice, PaymentMethod } from './hostinger/billing-reads.ts';
import { logger } from './logger.ts';
import type { FieldErrors, OrderRequest } from './order-request.ts';
import type { TokenSource } from './token-source.ts';

/** Refuses orders the catalog or the account would refuse; resolves to field errors, or undefined to let it through. */
export type CatalogGuard = (order: OrderRequest) => Promise<FieldErrors | undefined>;

/**
 * Checks orders against Hostinger's catalog and payment methods, both cached per container, so a wrong
 * item id is refused in milliseconds with the nearest valid ids, instead of after a Hostinger round trip.
 * When the catalog cannot be read, orders pass: Hostinger itself still validates them.
 */
export function createCatalogGuard(options: { billing: BillingReader; token: TokenSource; cacheMs: number; now?: () => number }): CatalogGuard {
  const now = options.now ?? Date.now;
  let cached: { prices: Map<string, CatalogPrice>; methods: PaymentMethod[]; at: number } | undefined;

  async function reference() {
    if (cached && now() - cached.at < options.cacheMs) return cached;
    const token = await options.token();
    const [prices, methods] = await Promise.all([options.billing.catalogPrices(token), options.billing.paymentMethods(token)]);
    cached = { prices: new Map(prices.map((price) => [price.id, price])), methods, at: now() };
    return cached;
  }

  return async (order) => {
    let current;
    try {
      current = await reference();
    } catch (error) {
      logger.warn('catalog checks skipped: the catalog or payment methods could not be read', { error: error as Error });
      return undefined;
    }
    const { errors } = checkAgainstCatalog(order, current.prices, current.methods);
    return Object.keys(errors).length > 0 ? errors : undefined;
  };
}
