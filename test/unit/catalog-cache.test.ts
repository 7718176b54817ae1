import { describe, expect, it, vi } from 'vitest';
import { createCatalogCache } from '../../lib/catalog/catalog-cache.ts';
import type { BillingReader } from '../../lib/hostinger/billing-reader.ts';

const price = { id: 'hostingercom-vps-kvm2-usd-1m', itemName: 'KVM 2', currency: 'USD', price: 1799, firstPeriodPrice: 899, period: 1, periodUnit: 'month' };

describe('the catalog cache', () => {
  it('reads once for concurrent callers, serves the cache, reads again when it expires, and remembers a failure briefly', async () => {
    let clock = 0;
    const catalogPrices = vi.fn(async () => [price]);
    const billing = { catalogPrices, paymentMethods: vi.fn(async () => []), subscriptions: vi.fn() } as unknown as BillingReader;
    const cache = createCatalogCache({ billing, token: async () => 't', cacheMs: 1000, now: () => clock });

    const all = await Promise.all(Array.from({ length: 10 }, () => cache.prices()));
    expect(all[0]?.get(price.id)).toEqual(price);
    expect(catalogPrices).toHaveBeenCalledTimes(1);
    clock = 999;
    await cache.prices();
    expect(catalogPrices).toHaveBeenCalledTimes(1);
    clock = 1000;
    await cache.prices();
    expect(catalogPrices).toHaveBeenCalledTimes(2);

    catalogPrices.mockRejectedValueOnce(new Error('down'));
    clock = 5000;
    await expect(cache.prices()).rejects.toThrow('down');
    // Within the failure's memory (the cache period, at most 30 s) the API is not asked again.
    await expect(cache.prices()).rejects.toThrow('down');
    expect(catalogPrices).toHaveBeenCalledTimes(3);
    clock = 6000;
    await expect(cache.prices()).resolves.toBeInstanceOf(Map);
    expect(catalogPrices).toHaveBeenCalledTimes(4);
  });
});
