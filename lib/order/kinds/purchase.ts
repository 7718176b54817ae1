import * as z from 'zod/mini';
import { type FieldErrors, type OrderRequest, orderFields, orderRequestSchema, type Parsed, parseWith, planRunRefSchema, requestIdSchema } from '../order-request.ts';
import { DOMAIN_PURCHASE_PATH, type DomainRequest, domainFields, domainRequestSchema } from './domain.ts';
import { type RenewalRequest, renewalBody, renewalFields, renewalRequestSchema, renewPath } from './renewal.ts';
import { VPS_PATH, type VpsRequest, vpsBody, vpsFields, vpsHostname, vpsRequestSchema } from './vps.ts';

/**
 * The kinds of purchase the pipeline makes. `order` is Hostinger's generic order (POST /api/billing/v1/orders);
 * the others provision what they buy, and each has a key that settles an unknown attempt deterministically.
 */
export const PURCHASE_KINDS = ['order', 'vps', 'domain', 'renewal'] as const;
export type PurchaseKind = (typeof PURCHASE_KINDS)[number];

/**
 * A purchase as the pipeline stores and passes it: the request body, tagged with its kind. A generic order
 * carries no tag (as before kinds existed), so its hash, ledger record and messages are unchanged.
 */
export type Purchase = (OrderRequest & { kind?: undefined }) | (VpsRequest & { kind: 'vps' }) | (DomainRequest & { kind: 'domain' }) | (RenewalRequest & { kind: 'renewal' });
export type PurchaseOf<K extends PurchaseKind> = K extends 'order' ? OrderRequest : Extract<Purchase, { kind: K }>;

export const kindOf = (purchase: Purchase): PurchaseKind => purchase.kind ?? 'order';

const requestSchemas = { order: orderRequestSchema, vps: vpsRequestSchema, domain: domainRequestSchema, renewal: renewalRequestSchema };
/** A purchase named by its `kind` (absent for an order), with or without the queue envelope. */
const namedSchemas = (extra: Record<string, z.ZodMiniType>) => ({
  order: z.strictObject({ ...orderFields, kind: z.optional(z.literal('order')), ...extra }, { error: 'must be a JSON object' }),
  vps: z.strictObject({ ...vpsFields, kind: z.literal('vps'), ...extra }, { error: 'must be a JSON object' }),
  domain: z.strictObject({ ...domainFields, kind: z.literal('domain'), ...extra }, { error: 'must be a JSON object' }),
  renewal: z.strictObject({ ...renewalFields, kind: z.literal('renewal'), ...extra }, { error: 'must be a JSON object' }),
});
const messageSchemas = namedSchemas({ requestId: z.optional(requestIdSchema), batchRun: z.optional(planRunRefSchema) });
const entrySchemas = namedSchemas({});

const tag = (kind: PurchaseKind, request: object): Purchase => (kind === 'order' ? (request as OrderRequest) : ({ kind, ...request } as Purchase));

/** Validates a request body of the given kind (the HTTP body: Hostinger's own request, no `kind`). */
export function parsePurchase(kind: PurchaseKind, input: unknown): Parsed<Purchase> {
  const parsed = parseWith<object>(requestSchemas[kind], input);
  return parsed.ok ? { ok: true, value: tag(kind, parsed.value) } : parsed;
}

/** What travels on the orders queue: a purchase (its `kind`, absent for a generic order) plus the envelope. */
export type PurchaseMessage = Purchase & { requestId?: string; batchRun?: z.output<typeof planRunRefSchema> };

const kindField = z.optional(z.enum(PURCHASE_KINDS, { error: `must be one of ${PURCHASE_KINDS.join(', ')}` }));

/** The kind a message or plan entry names (absent means `order`), or its field error. */
export function kindIn(input: unknown): { ok: true; kind: PurchaseKind } | { ok: false; errors: FieldErrors } {
  const named = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>).kind : undefined;
  const parsed = kindField.safeParse(named);
  return parsed.success ? { ok: true, kind: parsed.data ?? 'order' } : { ok: false, errors: { kind: [parsed.error.issues[0]?.message ?? 'is invalid'] } };
}

function parseNamed<T>(schemas: Record<PurchaseKind, z.ZodMiniType>, input: unknown): Parsed<T> {
  const kind = kindIn(input);
  if (!kind.ok) return kind;
  const parsed = parseWith<T>(schemas[kind.kind] as z.ZodMiniType<T>, input);
  // `kind: "order"` is accepted and dropped: a generic order is stored untagged.
  if (parsed.ok && (parsed.value as { kind?: string }).kind === 'order') delete (parsed.value as { kind?: string }).kind;
  return parsed;
}

export const parsePurchaseMessage = (input: unknown): Parsed<PurchaseMessage> => parseNamed(messageSchemas, input);

/** A path of field errors (`setup.template_id`, `items.0.quantity`) as a zod issue path. */
const issuePath = (path: string) => (path === 'body' ? [] : path.split('.').map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment)));

/**
 * One purchase of any kind in a scheduled plan: `kind` names it (absent: an order), and each kind's own field
 * errors are reported at their path in the plan.
 */
export const purchaseEntrySchema = z.pipe(
  z.unknown(),
  z.transform((input: unknown, context): Purchase => {
    const parsed = parseNamed<Purchase>(entrySchemas, input);
    if (parsed.ok) return parsed.value;
    for (const [path, messages] of Object.entries(parsed.errors)) {
      for (const message of messages) context.issues.push({ code: 'custom', message, input, path: issuePath(path) });
    }
    return z.NEVER;
  }),
);

/** The purchase part of a queue message, without the envelope. */
export function purchaseOf(message: PurchaseMessage): Purchase {
  const { requestId: _requestId, batchRun: _batchRun, ...purchase } = message;
  return purchase as Purchase;
}

/** A purchase's Hostinger call: where it goes and what it sends. */
export function hostingerCall(purchase: Purchase, requestId: string): { path: string; body: unknown } {
  switch (purchase.kind) {
    case undefined:
      return { path: '/api/billing/v1/orders', body: purchase };
    case 'vps': {
      const { kind: _kind, ...request } = purchase;
      return { path: VPS_PATH, body: vpsBody(request, requestId) };
    }
    case 'domain': {
      const { kind: _kind, ...request } = purchase;
      return { path: DOMAIN_PURCHASE_PATH, body: request };
    }
    case 'renewal': {
      const { kind: _kind, ...request } = purchase;
      return { path: renewPath(request.subscription_id), body: renewalBody(request) };
    }
  }
}

/**
 * The key that settles an unknown attempt, for kinds that have one: the VM's hostname, the domain, the
 * renewed subscription. A generic order has none (its reconciliation reads the subscriptions list).
 */
export type PurchaseKey = { kind: 'vps'; hostname: string } | { kind: 'domain'; domain: string } | { kind: 'renewal'; subscriptionId: string };

export function purchaseKey(purchase: Purchase, requestId: string): PurchaseKey | undefined {
  switch (purchase.kind) {
    case undefined:
      return undefined;
    case 'vps':
      return { kind: 'vps', hostname: vpsHostname(purchase, requestId) };
    case 'domain':
      return { kind: 'domain', domain: purchase.domain };
    case 'renewal':
      return { kind: 'renewal', subscriptionId: purchase.subscription_id };
  }
}

/** `vps:my.server.tld`, `domain:my-site.com`, `renewal:Azz353Uhl1xC54pR0`: how a key is named in records and outcomes. */
export const keyName = (key: PurchaseKey) => `${key.kind}:${key.kind === 'vps' ? key.hostname : key.kind === 'domain' ? key.domain : key.subscriptionId}`;

/**
 * What a purchase buys from the catalog, for quotes, budgets and catalog checks: item ids and quantities,
 * and the subscriptions it renews (priced by their renewal price, not by an item).
 */
export interface PriceLines {
  items: { item_id: string; quantity: number }[];
  renewals: string[];
}

export function priceLines(purchase: Purchase): PriceLines {
  switch (purchase.kind) {
    case undefined:
      return { items: purchase.items, renewals: [] };
    case 'vps':
    case 'domain':
      return { items: [{ item_id: purchase.item_id, quantity: 1 }], renewals: [] };
    case 'renewal':
      return { items: [], renewals: [purchase.subscription_id] };
  }
}

/**
 * The purchase as a generic order of its items (none for a renewal), its payment method and coupons: what the
 * catalog, payment-method and spending checks read.
 */
export function asOrder(purchase: Purchase): OrderRequest {
  const { items } = priceLines(purchase);
  return {
    items,
    ...(purchase.payment_method_id === undefined ? {} : { payment_method_id: purchase.payment_method_id }),
    ...(purchase.coupons ? { coupons: purchase.coupons } : {}),
  };
}

/**
 * How an unsettled attempt is indexed for generic reconciliation's rivals: VPS and domain purchases by their
 * item (they start subscriptions a generic order of the same item could be mistaken for); renewals by their
 * subscription (they start none).
 */
export function unsettledItemsOf(purchase: Purchase): string[] {
  return purchase.kind === 'renewal' ? [`renewal:${purchase.subscription_id}`] : priceLines(purchase).items.map((item) => item.item_id);
}

/** Long enough to pass as a password (12 characters at least), so a request queued again with it still parses and ends with an outcome. */
const REDACTED = '[redacted: not kept]';

/** The ledger keeps no secret: a VM's root password is replaced by a marker (the queue message carries it to the worker). */
export function redactPurchase(purchase: Purchase): Purchase {
  if (purchase.kind !== 'vps' || purchase.setup.password === undefined) return purchase;
  return { ...purchase, setup: { ...purchase.setup, password: REDACTED } };
}

/** A purchase queued again from the ledger (the sweep, an approval) carries only the marker of its VM's root password: it can never be sent. */
export const lostItsSecret = (purchase: Purchase): boolean => purchase.kind === 'vps' && purchase.setup.password === REDACTED;
