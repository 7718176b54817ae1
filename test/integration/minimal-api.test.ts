import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * A Hostinger-compatible API that implements only POST /api/billing/v1/orders (no catalog, no payment
 * methods, no subscriptions): the pipeline still works, without its catalog checks and reconciliation.
 */
let api: http.Server;
let t: TestStack;
let nextId = 1;
let failNext = 0;
const received: unknown[] = [];

beforeAll(async () => {
  api = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const send = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      if (request.headers.authorization !== 'Bearer minimal-token') return send(401, { message: 'Unauthenticated' });
      if (request.method !== 'POST' || request.url !== '/api/billing/v1/orders') return send(404, { message: 'Not found' });
      if (failNext > 0) {
        failNext -= 1;
        return send(500, { message: '[Hosting:9999] Internal server error', correlation_id: 'c-500' });
      }
      received.push(JSON.parse(body));
      send(200, { id: nextId++, subscription_id: `sub-${nextId}`, status: 'completed', currency: 'USD', subtotal: 899, total: 1088 });
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  t = await startTestStack({ hostinger: { apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, token: 'minimal-token' } });
});
afterAll(async () => {
  await t?.stop();
  await new Promise<void>((resolve) => api.close(() => resolve()));
});

describe('against an API with only the order endpoint', () => {
  it('buys an order: catalog checks pass orders through when the catalog cannot be read', async () => {
    const { status, json } = await t.postOrder({ items: [{ item_id: 'any-price-id' }] });
    expect(status).toBe(202);
    await expect(t.waitForOutcome(json.requestId as string)).resolves.toMatchObject({ type: 'order.succeeded', attempts: 1 });
  });

  it('retries a 500 even though the subscriptions cannot be checked, and buys once', async () => {
    failNext = 1;
    const before = received.length;
    const { json } = await t.postOrder({ items: [{ item_id: 'another-price-id', quantity: 2 }] });
    await expect(t.waitForOutcome(json.requestId as string)).resolves.toMatchObject({ type: 'order.succeeded', attempts: 2 });
    expect(received.length - before).toBe(1);
  });
});
