import * as z from 'zod/mini';
import { requestJson } from './http-transport.ts';
import { apiUrl } from './order-client.ts';

/** Hostinger's SubscriptionResource, as far as reconciliation relies on it. */
export const subscriptionSchema = z.looseObject({
  id: z.string(),
  name: z.optional(z.string()),
  status: z.optional(z.string()),
  billing_period: z.nullish(z.int()),
  billing_period_unit: z.nullish(z.string()),
  currency_code: z.nullish(z.string()),
  total_price: z.nullish(z.int()),
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

const catalogSchema = z.array(
  z.looseObject({
    id: z.string(),
    name: z.string(),
    category: z.optional(z.string()),
    prices: z.array(
      z.looseObject({
        id: z.string(),
        currency: z.string(),
        price: z.int(),
        first_period_price: z.int(),
        period: z.int(),
        period_unit: z.string(),
      }),
    ),
  }),
);

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

async function getJson<T>(baseUrl: string, path: string, token: string, timeoutMs: number, schema: z.ZodMiniType<T>): Promise<T> {
  const answer = await requestJson({ method: 'GET', url: apiUrl(baseUrl, path), token, timeoutMs });
  if (answer.status !== 200) throw new HostingerReadError(`GET ${path} answered HTTP ${answer.status}`, answer.status);
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    throw new HostingerReadError(`GET ${path} answered a body that is not JSON`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new HostingerReadError(`GET ${path} answered an unexpected shape`);
  return parsed.data;
}

/** Reads of the billing API that reconciliation (and catalog checks) need. */
export function createBillingReader(options: { baseUrl: string; timeoutMs: number }) {
  return {
    subscriptions: (token: string) => getJson(options.baseUrl, '/api/billing/v1/subscriptions', token, options.timeoutMs, z.array(subscriptionSchema)),
    paymentMethods: (token: string) => getJson(options.baseUrl, '/api/billing/v1/payment-methods', token, options.timeoutMs, z.array(paymentMethodSchema)),
    async catalogPrices(token: string): Promise<CatalogPrice[]> {
      const items = await getJson(options.baseUrl, '/api/billing/v1/catalog', token, options.timeoutMs, catalogSchema);
      return items.flatMap((item) =>
        item.prices.map((price) => ({
          id: price.id,
          itemName: item.name,
          ...(item.category ? { category: item.category } : {}),
          currency: price.currency,
          price: price.price,
          firstPeriodPrice: price.first_period_price,
          period: price.period,
          periodUnit: price.period_unit,
        })),
      );
    },
  };
}
export type BillingReader = ReturnType<typeof createBillingReader>;
