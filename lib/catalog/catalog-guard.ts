import { asOrder, type Purchase } from '../order/kinds/purchase.ts';
import type { FieldErrors } from '../order/order-request.ts';
import type { Log } from '../platform/log.ts';
import { checkAgainstAccount } from './account-check.ts';
import type { ReadAccountFacts } from './account-facts.ts';
import type { CatalogCache } from './catalog-cache.ts';
import { checkAgainstCatalog } from './catalog-check.ts';

/** Refuses purchases the catalog or the account would refuse; resolves to field errors, or undefined to let it through. */
export type CatalogGuard = (order: Purchase) => Promise<FieldErrors | undefined>;

/**
 * Checks purchases against Hostinger's catalog and payment methods (cached per container), so a wrong item id
 * is refused in milliseconds with the nearest valid ids, instead of after a Hostinger round trip; and, with
 * `readAccount`, against the account (a domain already in the portfolio is refused with a clear message).
 * When these cannot be read, purchases pass: Hostinger itself still validates them.
 */
export function createCatalogGuard(catalog: CatalogCache, log: Log, readAccount?: ReadAccountFacts): CatalogGuard {
  const catalogErrors = async (purchase: Purchase): Promise<FieldErrors> => {
    // A purchase is checked as the order of its items; a renewal has none (its subscription is checked below).
    const order = asOrder(purchase);
    if (order.items.length === 0) return {};
    let reference;
    try {
      reference = await Promise.all([catalog.prices(), catalog.paymentMethods()]);
    } catch (error) {
      log.warn('catalog checks skipped: the catalog or payment methods could not be read', { error: error as Error });
      return {};
    }
    return checkAgainstCatalog(order, ...reference).errors;
  };
  /** A VPS hostname or a domain already in the account, or a renewal of a subscription it does not have. */
  const accountErrors = async (purchase: Purchase): Promise<FieldErrors> => {
    if (!readAccount) return {};
    try {
      return checkAgainstAccount(purchase, await readAccount(purchase));
    } catch (error) {
      log.warn('account checks skipped: the account could not be read', { error: error as Error });
      return {};
    }
  };
  return async (purchase) => {
    const [fromCatalog, fromAccount] = await Promise.all([catalogErrors(purchase), accountErrors(purchase)]);
    const errors = { ...fromCatalog, ...fromAccount };
    return Object.keys(errors).length > 0 ? errors : undefined;
  };
}
