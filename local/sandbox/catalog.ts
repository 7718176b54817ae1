/** The sandbox's catalog: Billing.V1.Catalog.* fixtures and look-ups. Prices are in cents. */

export type PeriodUnit = 'day' | 'week' | 'month' | 'year' | 'none';

export interface CatalogPriceResource {
  id: string;
  name: string;
  currency: string;
  price: number;
  first_period_price: number;
  period: number;
  period_unit: PeriodUnit;
}

export interface CatalogItemResource {
  id: string;
  name: string;
  category: string;
  metadata: Record<string, unknown> | null;
  prices: CatalogPriceResource[];
}

/** A price together with the catalog item it belongs to. */
export interface PricedItem {
  item: CatalogItemResource;
  price: CatalogPriceResource;
}

function price(id: string, name: string, currency: string, [price, firstPeriodPrice]: [number, number], period: number, periodUnit: PeriodUnit): CatalogPriceResource {
  return { id, name, currency, price, first_period_price: firstPeriodPrice, period, period_unit: periodUnit };
}

export const CATALOG: readonly CatalogItemResource[] = [
  {
    id: 'hostingercom-hosting-premium',
    name: 'Premium Web Hosting',
    category: 'HOSTING',
    metadata: null,
    prices: [
      price('hostingercom-hosting-premium-usd-1m', 'Premium Web Hosting (billed every month)', 'USD', [1199, 799], 1, 'month'),
      price('hostingercom-hosting-premium-usd-12m', 'Premium Web Hosting (billed every year)', 'USD', [14388, 4788], 12, 'month'),
      price('hostingercom-hosting-premium-usd-48m', 'Premium Web Hosting (billed every 4 years)', 'USD', [38352, 13392], 48, 'month'),
    ],
  },
  {
    id: 'hostingercom-vps-kvm1',
    name: 'KVM 1',
    category: 'VPS',
    metadata: { cpus: 1, memory: 4096, disk_space: 51200, bandwidth: 4096000 },
    prices: [
      price('hostingercom-vps-kvm1-usd-1m', 'KVM 1 (billed every month)', 'USD', [1199, 649], 1, 'month'),
      price('hostingercom-vps-kvm1-usd-12m', 'KVM 1 (billed every year)', 'USD', [14388, 7788], 12, 'month'),
      price('hostingercom-vps-kvm1-eur-1m', 'KVM 1 (billed every month)', 'EUR', [1099, 599], 1, 'month'),
    ],
  },
  {
    id: 'hostingercom-vps-kvm2',
    name: 'KVM 2',
    category: 'VPS',
    metadata: { cpus: 2, memory: 8192, disk_space: 102400, bandwidth: 8192000 },
    prices: [
      price('hostingercom-vps-kvm2-usd-1m', 'KVM 2 (billed every month)', 'USD', [1799, 899], 1, 'month'),
      price('hostingercom-vps-kvm2-usd-12m', 'KVM 2 (billed every year)', 'USD', [21588, 10788], 12, 'month'),
      price('hostingercom-vps-kvm2-usd-24m', 'KVM 2 (billed every 2 years)', 'USD', [43176, 16776], 24, 'month'),
      price('hostingercom-vps-kvm2-eur-1m', 'KVM 2 (billed every month)', 'EUR', [1699, 849], 1, 'month'),
    ],
  },
  {
    id: 'hostingercom-domain-com',
    name: '.COM Domain',
    category: 'DOMAIN',
    metadata: { tld: 'com' },
    prices: [
      price('hostingercom-domain-com-usd-1y', '.COM Domain (billed every year)', 'USD', [1599, 999], 1, 'year'),
      price('hostingercom-domain-com-eur-1y', '.COM Domain (billed every year)', 'EUR', [1499, 899], 1, 'year'),
    ],
  },
];

const PRICED_ITEMS = new Map<string, PricedItem>(CATALOG.flatMap((item) => item.prices.map((itemPrice) => [itemPrice.id, { item, price: itemPrice }] as const)));

/** The price an order's `item_id` names, if the catalog has it. */
export function findPricedItem(priceId: string): PricedItem | undefined {
  return PRICED_ITEMS.get(priceId);
}

/** `*` is the API's wildcard; everything else matches literally and case-insensitively. */
function nameMatcher(pattern: string): RegExp {
  const literal = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${literal}$`, 'i');
}

/** GET /catalog's `category` and `name` filters; an absent or empty filter matches everything. */
export function filterCatalog(filters: { category?: string | null; name?: string | null }): CatalogItemResource[] {
  const { category, name } = filters;
  const nameMatches = name ? nameMatcher(name) : undefined;
  return CATALOG.filter((item) => (!category || item.category.toLowerCase() === category.toLowerCase()) && (!nameMatches || nameMatches.test(item.name)));
}
