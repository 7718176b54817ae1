import * as z from 'zod/mini';
import { type BillingReader, HostingerReadError, paymentMethodSchema, subscriptionSchema } from './billing-reader.ts';
import { requestJson } from './http-transport.ts';
import { apiUrl } from './order-client.ts';

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

/** A read: a GET, or a POST that only asks (domain availability). Anything but a 200 in the expected shape throws. */
export async function readJson<T>(request: { baseUrl: string; path: string; token: string; timeoutMs: number; body?: unknown }, schema: z.ZodMiniType<T>): Promise<T> {
  const { path, body } = request;
  const method = body === undefined ? 'GET' : 'POST';
  const answer = await requestJson({ method, url: apiUrl(request.baseUrl, path), token: request.token, timeoutMs: request.timeoutMs, body });
  if (answer.status !== 200) throw new HostingerReadError(`${method} ${path} answered HTTP ${answer.status}`, answer.status);
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(answer.body);
  } catch {
    throw new HostingerReadError(`${method} ${path} answered a body that is not JSON`);
  }
  const parsed = schema.safeParse(parsedBody);
  if (!parsed.success) throw new HostingerReadError(`${method} ${path} answered an unexpected shape`);
  return parsed.data;
}

const getJson = <T>(baseUrl: string, path: string, token: string, timeoutMs: number, schema: z.ZodMiniType<T>) => readJson({ baseUrl, path, token, timeoutMs }, schema);

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
