import type { PurchaseKind } from '../order/kinds/purchase.ts';

/** The intake routes and the kind of purchase each takes: Hostinger's own request body for that purchase. */
export const PURCHASE_ROUTES: Readonly<Record<string, PurchaseKind>> = { '/orders': 'order', '/vps': 'vps', '/domains': 'domain', '/renewals': 'renewal' };
