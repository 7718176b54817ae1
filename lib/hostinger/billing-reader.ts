import * as z from 'zod/mini';

/** Hostinger's SubscriptionResource, as far as reconciliation relies on it. */
export const subscriptionSchema = z.looseObject({
  id: z.string(),
  name: z.optional(z.string()),
  status: z.optional(z.string()),
  /** When it is next due: a renewal moves them later. */
  expires_at: z.nullish(z.string()),
  next_billing_at: z.nullish(z.string()),
  billing_period: z.nullish(z.int()),
  billing_period_unit: z.nullish(z.string()),
  currency_code: z.nullish(z.string()),
  total_price: z.nullish(z.int()),
  /** What renewing it costs, in cents of `currency_code`: a renewal's price. */
  renewal_price: z.nullish(z.int()),
  created_at: z.string(),
});
export type Subscription = z.output<typeof subscriptionSchema>;

/** A catalog price, flattened with its item's name: what an order's `item_id` buys. */
export interface CatalogPrice {
  id: string;
  itemName: string;
  /** The catalog item's category (`VPS`, `DOMAIN`...), when the API gives it: spending policies match on it. */
  category?: string;
  currency: string;
  price: number;
  firstPeriodPrice: number;
  period: number;
  periodUnit: string;
}

/** Hostinger's PaymentMethodResource, as far as order checks rely on it. */
export const paymentMethodSchema = z.looseObject({
  id: z.int(),
  name: z.optional(z.string()),
  payment_method: z.optional(z.string()),
  is_default: z.optional(z.boolean()),
  is_expired: z.optional(z.boolean()),
  is_suspended: z.optional(z.boolean()),
});
export type PaymentMethod = z.output<typeof paymentMethodSchema>;

export class HostingerReadError extends Error {
  override name = 'HostingerReadError';
  constructor(
    message: string,
    /** The HTTP status, when the API answered one. */
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** The API has no such endpoint: asking again will not help (unlike a 5xx or a timeout). */
export const endpointMissing = (error: unknown): boolean => error instanceof HostingerReadError && [404, 405, 501].includes(error.httpStatus ?? 0);

/** Reads of the billing API that reconciliation and catalog checks need; they throw HostingerReadError. */
export interface BillingReader {
  subscriptions(token: string): Promise<Subscription[]>;
  paymentMethods(token: string): Promise<PaymentMethod[]>;
  /** The catalog's prices, each flattened with its item's name. */
  catalogPrices(token: string): Promise<CatalogPrice[]>;
}
