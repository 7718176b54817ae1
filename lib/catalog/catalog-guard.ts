import type { CatalogCache } from './catalog-cache.ts';
import { checkAgainstCatalog } from './catalog-check.ts';
import { logger } from '../platform/logger.ts';
import type { FieldErrors, OrderRequest } from '../order/order-request.ts';

/** Refuses orders the catalog or the account would refuse; resolves to field errors, or undefined to let it through. */
export type CatalogGuard = (order: OrderRequest) => Promise<FieldErrors | undefined>;

/**
 * Checks orders against Hostinger's catalog and payment methods (cached per container), so a wrong item id
 * is refused in milliseconds with the nearest valid ids, instead of after a Hostinger round trip. When the
 * catalog cannot be read, orders pass: Hostinger itself still validates them.
 */
export function createCatalogGuard(catalog: CatalogCache): CatalogGuard {
  return async (order) => {
    let reference;
    try {
      reference = await Promise.all([catalog.prices(), catalog.paymentMethods()]);
    } catch (error) {
      logger.warn('catalog checks skipped: the catalog or payment methods could not be read', { error: error as Error });
      return undefined;
    }
    const { errors } = checkAgainstCatalog(order, ...reference);
    return Object.keys(errors).length > 0 ? errors : undefined;
  };
}
