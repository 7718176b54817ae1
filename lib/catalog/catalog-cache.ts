import type { BillingReader, CatalogPrice, PaymentMethod } from '../hostinger/billing-reader.ts';

/** After a failed read, callers get the same failure for this long instead of calling the API again. */
const FAILURE_CACHE_MS = 30_000;

/**
 * A value read at most once per `cacheMs`; callers during a read share it (no stampede on a cold container),
 * and a failure is remembered for a while (an API without the endpoint is not asked again for every order).
 */
function cachedRead<T>(read: () => Promise<T>, cacheMs: number, now: () => number): () => Promise<T> {
  let cached: { value: T; at: number } | undefined;
  let failed: { error: unknown; at: number } | undefined;
  let inFlight: Promise<T> | undefined;
  return () => {
    if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.value);
    if (failed && now() - failed.at < Math.min(cacheMs, FAILURE_CACHE_MS)) return Promise.reject(failed.error);
    inFlight ??= read()
      .then(
        (value) => {
          cached = { value, at: now() };
          failed = undefined;
          return value;
        },
        (error: unknown) => {
          failed = { error, at: now() };
          throw error;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}

export interface CatalogCache {
  /** Catalog prices by price id (an order's item_id). */
  prices(): Promise<Map<string, CatalogPrice>>;
  paymentMethods(): Promise<PaymentMethod[]>;
}

/** Hostinger's catalog and payment methods, each cached per container: shared by catalog checks and reconciliation. */
export function createCatalogCache(options: { billing: BillingReader; token: () => Promise<string>; cacheMs: number; now?: () => number }): CatalogCache {
  const now = options.now ?? Date.now;
  return {
    prices: cachedRead(async () => new Map((await options.billing.catalogPrices(await options.token())).map((price) => [price.id, price])), options.cacheMs, now),
    paymentMethods: cachedRead(async () => options.billing.paymentMethods(await options.token()), options.cacheMs, now),
  };
}
