import * as z from 'zod/mini';
import { requestJson } from './http-transport.ts';
import { apiUrl } from './order-client.ts';
import { HostingerReadError, paymentMethodSchema, subscriptionSchema, type BillingReader } from './billing-reader.ts';

/** The catalog as GET /api/billing/v1/catalog answers it. */
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

/** The billing reads over HTTP. */
export function createBillingReader(options: { baseUrl: string; timeoutMs: number }): BillingReader {
  return {
    subscriptions: (token) => getJson(options.baseUrl, '/api/billing/v1/subscriptions', token, options.timeoutMs, z.array(subscriptionSchema)),
    paymentMethods: (token) => getJson(options.baseUrl, '/api/billing/v1/payment-methods', token, options.timeoutMs, z.array(paymentMethodSchema)),
    async catalogPrices(token) {
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
