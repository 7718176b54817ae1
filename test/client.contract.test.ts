import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderClient } from '../lib/hostinger/order-client.ts';
import { parseOrderRequest } from '../lib/order/order-request.ts';
import { specValidator } from './support/openapi.ts';

/** What the project's client puts on the wire must satisfy both of Hostinger's request schemas. */
const storeRequest = specValidator('0.1.16', 'Billing.V1.Order.StoreRequest');
const purchaseRequest = specValidator('1.42.5', 'Billing.V1.Order.PurchaseRequest');

let server: http.Server;
let url: string;
const received: { body: unknown; headers: http.IncomingHttpHeaders; path: string }[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      received.push({ body: JSON.parse(text), headers: request.headers, path: request.url ?? '' });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 1, status: 'completed' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sendAndCapture = async (input: unknown) => {
  const parsed = parseOrderRequest(input);
  if (!parsed.ok) throw new Error('fixture must be valid');
  await createOrderClient({ baseUrl: url, timeoutMs: 2000 })(parsed.value, 'contract-token');
  const last = received.at(-1);
  if (!last) throw new Error('nothing received');
  return last;
};

describe('the order client, against the OpenAPI request schemas', () => {
  it.each([
    ['a full StoreRequest', { payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 2 }], coupons: ['Coupon 3'] }],
    ['a PurchaseRequest without payment method or quantity', { items: [{ item_id: 'hostingercom-domain-com-usd-1y' }] }],
  ])('sends %s that validates against StoreRequest (0.1.16) and PurchaseRequest (1.42.5)', async (_name, input) => {
    const { body, headers, path } = await sendAndCapture(input);
    expect(path).toBe('/prefix/api/billing/v1/orders');
    expect(headers.authorization).toBe('Bearer contract-token');
    expect(headers['content-type']).toBe('application/json');
    expect(purchaseRequest(body)).toMatchObject({ valid: true });
    // StoreRequest requires payment_method_id: only requests that carry one can satisfy it.
    if ((input as { payment_method_id?: number }).payment_method_id !== undefined) expect(storeRequest(body)).toMatchObject({ valid: true });
    // Quantity defaults are made explicit, so both API versions buy the same thing.
    expect((body as { items: { quantity: number }[] }).items.every((item) => Number.isInteger(item.quantity))).toBe(true);
  });

  it('the schema check itself fails on a wrong shape', () => {
    expect(storeRequest({ payment_method_id: 'x', items: [{ quantity: 1 }] }).valid).toBe(false);
  });
});
