import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CatalogItemResource,
  type HostingerSandbox,
  type OrderResource,
  type PaymentMethodResource,
  type SubscriptionResource,
  startHostingerSandbox,
} from '../local/sandbox/server.ts';

const TOKEN = 'sandbox-test-token';
const KVM2_MONTH = 'hostingercom-vps-kvm2-usd-1m';
const DOMAIN_YEAR = 'hostingercom-domain-com-usd-1y';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const API_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

let sandbox: HostingerSandbox;

beforeAll(async () => {
  sandbox = await startHostingerSandbox({ token: TOKEN });
});
afterAll(() => sandbox.close());
afterEach(() => {
  sandbox.clearFaults();
  sandbox.setLatency(0);
  sandbox.setToken(TOKEN);
});

function bearer(token: string | null): Record<string, string> {
  return token === null ? {} : { Authorization: `Bearer ${token}` };
}

function get(path: string, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, { headers: bearer(token) });
}

/** POSTs an order; a string body goes as it is, anything else as JSON. */
function postOrder(body: unknown, token: string | null = TOKEN): Promise<Response> {
  return fetch(`${sandbox.url}/api/billing/v1/orders`, {
    method: 'POST',
    headers: { ...bearer(token), 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

async function orderOf(response: Response, status = 200): Promise<OrderResource> {
  expect(response.status).toBe(status);
  return (await response.json()) as OrderResource;
}

const kvm2Order = { payment_method_id: 1327362, items: [{ item_id: KVM2_MONTH, quantity: 1 }] };

function ordersCount(): number {
  return sandbox.orders().length;
}

function recordOf(orderId: number) {
  const record = sandbox.orders().find((candidate) => candidate.order.id === orderId);
  if (!record) throw new Error(`order ${orderId} was not recorded`);
  return record;
}

function subscriptionIds(): string[] {
  return sandbox.subscriptions().map((subscription) => subscription.id);
}

describe('authentication', () => {
  it.each([
    ['missing', null],
    ['wrong', 'not-the-token'],
  ])('answers a %s bearer token with 401 Unauthenticated', async (_case, token) => {
    for (const response of [await get('/api/billing/v1/catalog', token), await postOrder(kvm2Order, token)]) {
      expect(response.status).toBe(401);
      const body = (await response.json()) as { message: string; correlation_id: string };
      expect(body.message).toBe('Unauthenticated');
      expect(body.correlation_id).toMatch(UUID);
    }
  });

  it('refuses a token without the Bearer scheme', async () => {
    const response = await fetch(`${sandbox.url}/api/billing/v1/catalog`, { headers: { Authorization: TOKEN } });
    expect(response.status).toBe(401);
  });

  it('refuses the old token once rotated and accepts the new one', async () => {
    sandbox.setToken('rotated-token');
    expect((await get('/api/billing/v1/payment-methods')).status).toBe(401);
    expect((await get('/api/billing/v1/payment-methods', 'rotated-token')).status).toBe(200);
  });

  it('creates no order for an unauthenticated request but counts it', async () => {
    const [before, requestsBefore] = [ordersCount(), sandbox.requestCount()];
    await postOrder(kvm2Order, 'wrong');
    expect(ordersCount()).toBe(before);
    expect(sandbox.requestCount()).toBe(requestsBefore + 1);
  });
});

describe('read endpoints', () => {
  it('lists the catalog with integer cent prices keyed by price id', async () => {
    const response = await get('/api/billing/v1/catalog');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const catalog = (await response.json()) as CatalogItemResource[];
    const priceIds = catalog.flatMap((item) => item.prices.map((price) => price.id));
    expect(priceIds).toEqual(
      expect.arrayContaining([
        'hostingercom-hosting-premium-usd-1m',
        'hostingercom-hosting-premium-usd-12m',
        'hostingercom-hosting-premium-usd-48m',
        'hostingercom-vps-kvm1-usd-1m',
        KVM2_MONTH,
        'hostingercom-vps-kvm2-usd-12m',
        'hostingercom-vps-kvm2-usd-24m',
        'hostingercom-vps-kvm2-eur-1m',
        DOMAIN_YEAR,
      ]),
    );
    const kvm2 = catalog.find((item) => item.id === 'hostingercom-vps-kvm2');
    expect(kvm2).toMatchObject({ name: 'KVM 2', category: 'VPS' });
    expect(kvm2?.prices.find((price) => price.id === KVM2_MONTH)).toEqual({
      id: KVM2_MONTH,
      name: 'KVM 2 (billed every month)',
      currency: 'USD',
      price: 1799,
      first_period_price: 899,
      period: 1,
      period_unit: 'month',
    });
    for (const price of catalog.flatMap((item) => item.prices)) {
      expect(Number.isInteger(price.price) && Number.isInteger(price.first_period_price)).toBe(true);
    }
  });

  it('filters the catalog by category and by name with * wildcards', async () => {
    const vps = (await (await get('/api/billing/v1/catalog?category=VPS')).json()) as CatalogItemResource[];
    expect(vps.map((item) => item.id)).toEqual(['hostingercom-vps-kvm1', 'hostingercom-vps-kvm2']);
    const com = (await (await get('/api/billing/v1/catalog?name=.COM*')).json()) as CatalogItemResource[];
    expect(com.map((item) => item.id)).toEqual(['hostingercom-domain-com']);
    const none = (await (await get('/api/billing/v1/catalog?name=KVM')).json()) as CatalogItemResource[];
    expect(none).toEqual([]);
  });

  it('lists the payment methods other code relies on', async () => {
    const response = await get('/api/billing/v1/payment-methods');
    expect(response.status).toBe(200);
    const methods = (await response.json()) as PaymentMethodResource[];
    expect(methods.map((method) => [method.id, method.payment_method, method.is_default, method.is_expired])).toEqual([
      [1327362, 'card', true, false],
      [1327363, 'paypal', false, false],
      [1327364, 'card', false, false],
      [1327365, 'card', false, true],
    ]);
    expect(methods[0]).toMatchObject({ name: 'Credit Card', identifier: '4242*****4242', is_suspended: false });
  });

  it('lists a subscription for a completed order', async () => {
    const order = await orderOf(await postOrder(kvm2Order));
    const subscriptions = (await (await get('/api/billing/v1/subscriptions')).json()) as SubscriptionResource[];
    expect(subscriptions.find((subscription) => subscription.id === order.subscription_id)).toMatchObject({
      name: 'KVM 2',
      status: 'active',
      billing_period: 1,
      billing_period_unit: 'month',
      currency_code: 'USD',
      total_price: 1088,
      renewal_price: 1799,
      is_auto_renewed: true,
      created_at: order.created_at,
    });
  });
});

describe('POST /api/billing/v1/orders', () => {
  it('creates a completed order, records it and starts its subscription', async () => {
    const before = ordersCount();
    const order = await orderOf(await postOrder(kvm2Order));
    expect(order).toMatchObject({ status: 'completed', currency: 'USD', subtotal: 899, total: 1088 });
    expect(order.id).toBeGreaterThanOrEqual(2957086);
    expect(order.subscription_id).toMatch(/^[A-Za-z0-9]{17}$/);
    expect(order.created_at).toMatch(API_TIMESTAMP);
    expect(order.updated_at).toMatch(API_TIMESTAMP);
    expect(order.billing_address).toMatchObject({ first_name: 'John', last_name: 'Doe', email: 'john@doe.tld' });
    expect(ordersCount()).toBe(before + 1);
    expect(recordOf(order.id)).toMatchObject({
      order,
      request: kvm2Order,
      paymentMethodId: 1327362,
      items: [{ item_id: KVM2_MONTH, quantity: 1 }],
      coupons: [],
      answeredWith: 200,
    });
    expect(subscriptionIds()).toContain(order.subscription_id);
  });

  it('numbers orders one after another', async () => {
    const first = await orderOf(await postOrder(kvm2Order));
    const second = await orderOf(await postOrder(kvm2Order));
    expect(second.id).toBe(first.id + 1);
    expect(second.subscription_id).not.toBe(first.subscription_id);
  });

  it('pays with the default method when none is given, and with the given one otherwise', async () => {
    const byDefault = await orderOf(await postOrder({ items: [{ item_id: KVM2_MONTH }] }));
    expect(recordOf(byDefault.id).paymentMethodId).toBe(1327362);
    const byPaypal = await orderOf(await postOrder({ ...kvm2Order, payment_method_id: 1327363 }));
    expect(byPaypal.status).toBe('completed');
    expect(recordOf(byPaypal.id).paymentMethodId).toBe(1327363);
  });

  it('defaults quantity to 1 and sums first-period prices, adding 21% VAT rounded to a cent', async () => {
    const order = await orderOf(await postOrder({ items: [{ item_id: KVM2_MONTH, quantity: 3 }, { item_id: DOMAIN_YEAR }], coupons: ['SAVE10'] }));
    expect(order.subtotal).toBe(899 * 3 + 999);
    expect(order.total).toBe(Math.round(3696 * 1.21)); // 4472.16 → 4472
    expect(recordOf(order.id)).toMatchObject({
      items: [
        { item_id: KVM2_MONTH, quantity: 3 },
        { item_id: DOMAIN_YEAR, quantity: 1 },
      ],
      coupons: ['SAVE10'],
    });
  });

  it('prices an order in EUR when its items are', async () => {
    const order = await orderOf(await postOrder({ items: [{ item_id: 'hostingercom-vps-kvm2-eur-1m' }] }));
    expect(order).toMatchObject({ currency: 'EUR', subtotal: 849, total: 1027 });
  });

  it('leaves a 3-D Secure card order awaiting payment, without a subscription', async () => {
    const order = await orderOf(await postOrder({ ...kvm2Order, payment_method_id: 1327364 }));
    expect(order.status).toBe('awaiting_payment');
    expect(recordOf(order.id).answeredWith).toBe(200);
    expect(subscriptionIds()).not.toContain(order.subscription_id);
  });

  it('an order awaiting payment gets its subscription once paid (POST /__sandbox/payments), created then', async () => {
    const order = await orderOf(await postOrder({ ...kvm2Order, payment_method_id: 1327364 }));
    const paid = await fetch(`${sandbox.url}/__sandbox/payments`, { method: 'POST', body: JSON.stringify({ orderId: order.id }) });
    expect(paid.status).toBe(200);
    expect(await paid.json()).toMatchObject({ order: { id: order.id, status: 'completed' } });
    expect(recordOf(order.id).order.status).toBe('completed');
    expect(subscriptionIds()).toContain(order.subscription_id);
    // Paying twice, or an order that waits for nothing, is refused.
    expect((await fetch(`${sandbox.url}/__sandbox/payments`, { method: 'POST', body: JSON.stringify({ orderId: order.id }) })).status).toBe(409);
    expect((await fetch(`${sandbox.url}/__sandbox/payments`, { method: 'POST', body: JSON.stringify({ orderId: 1 }) })).status).toBe(404);
  });

  it('a payment still processing (202) completes by itself a little later, and the subscription appears then', async () => {
    sandbox.addFaults([{ fault: 'accepted' }]);
    const order = await orderOf(await postOrder(kvm2Order), 202);
    expect(subscriptionIds()).not.toContain(order.subscription_id);
    await expect.poll(() => subscriptionIds(), { timeout: 5_000, interval: 100 }).toContain(order.subscription_id);
    expect(recordOf(order.id).order.status).toBe('completed');
  });

  it.each<[string, unknown, Record<string, string[]>]>([
    ['an empty body', {}, { items: ['The items field is required.'] }],
    ['a body that is not JSON', 'items=kvm2', { items: ['The items field is required.'] }],
    ['an empty items list', { items: [] }, { items: ['The items field is required.'] }],
    ['items that are not a list', { items: 'kvm2' }, { items: ['The items field must be an array.'] }],
    ['an unknown item', { items: [{ item_id: 'hostingercom-vps-kvm9-usd-1m' }] }, { 'items.0.item_id': ['The selected items.0.item_id is invalid.'] }],
    ['a catalog item id instead of a price id', { items: [{ item_id: 'hostingercom-vps-kvm2' }] }, { 'items.0.item_id': ['The selected items.0.item_id is invalid.'] }],
    ['an item without item_id', { items: [{ item_id: KVM2_MONTH }, { quantity: 1 }] }, { 'items.1.item_id': ['The items.1.item_id field is required.'] }],
    ['a numeric item_id', { items: [{ item_id: 42 }] }, { 'items.0.item_id': ['The items.0.item_id field must be a string.'] }],
    ['a zero quantity', { items: [{ item_id: KVM2_MONTH, quantity: 0 }] }, { 'items.0.quantity': ['The items.0.quantity field must be at least 1.'] }],
    ['a quantity that is not an integer', { items: [{ item_id: KVM2_MONTH, quantity: '2' }] }, { 'items.0.quantity': ['The items.0.quantity field must be an integer.'] }],
    ['a payment method id that is not an integer', { ...kvm2Order, payment_method_id: 'card' }, { payment_method_id: ['The payment method id field must be an integer.'] }],
    ['an unknown payment method', { ...kvm2Order, payment_method_id: 999 }, { payment_method_id: ['The selected payment method id is invalid.'] }],
    ['an expired payment method', { ...kvm2Order, payment_method_id: 1327365 }, { payment_method_id: ['The selected payment method is expired.'] }],
    [
      'items in two currencies',
      { items: [{ item_id: KVM2_MONTH }, { item_id: 'hostingercom-domain-com-eur-1y' }] },
      { items: ['The items must all be priced in the same currency.'] },
    ],
    ['coupons that are not a list', { ...kvm2Order, coupons: 'SAVE10' }, { coupons: ['The coupons field must be an array.'] }],
  ])('answers %s with 422 and creates nothing', async (_case, body, errors) => {
    const before = ordersCount();
    const response = await postOrder(body);
    expect(response.status).toBe(422);
    const answer = (await response.json()) as { message: string; errors: Record<string, string[]>; correlation_id: string };
    expect(answer.errors).toEqual(errors);
    expect(answer.message).toBe(Object.values(errors)[0]?.[0]);
    expect(answer.correlation_id).toMatch(UUID);
    expect(ordersCount()).toBe(before);
  });

  it('sums up several errors in the message as Laravel does', async () => {
    const two = (await (await postOrder({ payment_method_id: 'x', items: [{ item_id: 'nope' }] })).json()) as {
      message: string;
      errors: Record<string, string[]>;
    };
    expect(two.message).toBe('The payment method id field must be an integer. (and 1 more error)');
    const three = (await (await postOrder({ payment_method_id: 'x', items: [{}, { item_id: KVM2_MONTH, quantity: -1 }] })).json()) as {
      message: string;
      errors: Record<string, string[]>;
    };
    expect(Object.keys(three.errors)).toEqual(['payment_method_id', 'items.0.item_id', 'items.1.quantity']);
    expect(three.message).toBe('The payment method id field must be an integer. (and 2 more errors)');
  });
});

describe('faults on POST /orders', () => {
  it('error500 answers a Hosting-style 500 before creating anything, once', async () => {
    sandbox.addFaults([{ fault: 'error500' }]);
    const before = ordersCount();
    const response = await postOrder(kvm2Order);
    expect(response.status).toBe(500);
    const body = (await response.json()) as { message: string; correlation_id: string };
    expect(body.message).toBe('[Hosting:9999] Internal server error');
    expect(body.correlation_id).toMatch(UUID);
    expect(ordersCount()).toBe(before);
    await orderOf(await postOrder(kvm2Order)); // used up
  });

  it('error500AfterCreate creates the order and its subscription, then answers 500', async () => {
    sandbox.addFaults([{ fault: 'error500AfterCreate' }]);
    const before = sandbox.orders();
    expect((await postOrder(kvm2Order)).status).toBe(500);
    const created = sandbox.orders().slice(before.length);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ answeredWith: 500, order: { status: 'completed' } });
    expect(subscriptionIds()).toContain(created[0]?.order.subscription_id);
  });

  it('error502 and error504 answer a proxy HTML page, error503 JSON, all before creating', async () => {
    sandbox.addFaults([{ fault: 'error502' }, { fault: 'error503' }, { fault: 'error504' }]);
    const before = ordersCount();
    const [bad, unavailable, timeout] = [await postOrder(kvm2Order), await postOrder(kvm2Order), await postOrder(kvm2Order)];
    expect([bad.status, unavailable.status, timeout.status]).toEqual([502, 503, 504]);
    expect(bad.headers.get('content-type')).toContain('text/html');
    expect(await bad.text()).toContain('502 Bad Gateway');
    expect(await timeout.text()).toContain('504 Gateway Time-out');
    expect(await unavailable.json()).toMatchObject({ message: 'Service Unavailable' });
    expect(ordersCount()).toBe(before);
  });

  it.each([
    ['error502CreateLater', 502],
    ['error504CreateLater', 504],
  ] as const)('%s answers the gateway page at once, and the origin creates the order delayMs later', async (fault, status) => {
    sandbox.addFaults([{ fault, delayMs: 300 }]);
    const before = ordersCount();
    const answer = await postOrder(kvm2Order);
    expect(answer.status).toBe(status);
    expect(await answer.text()).toContain('nginx');
    expect(ordersCount()).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const created = sandbox.orders().slice(before);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ answeredWith: status, order: { status: 'completed' } });
    expect(subscriptionIds()).toContain(created[0]?.order.subscription_id);
  });

  it('error500AfterPendingOrder leaves a card order awaiting payment (no subscription), then answers 500', async () => {
    sandbox.addFaults([{ fault: 'error500AfterPendingOrder' }]);
    const before = ordersCount();
    expect((await postOrder(kvm2Order)).status).toBe(500);
    const [created] = sandbox.orders().slice(before);
    expect(created).toMatchObject({ answeredWith: 500, paymentMethodId: 1327362, order: { status: 'awaiting_payment' } });
    expect(subscriptionIds()).not.toContain(created?.order.subscription_id);
  });

  it('error500AfterPendingOrder on PayPal, which cannot be left pending, completes the order before the 500', async () => {
    sandbox.addFaults([{ fault: 'error500AfterPendingOrder' }]);
    const before = ordersCount();
    expect((await postOrder({ ...kvm2Order, payment_method_id: 1327363 })).status).toBe(500);
    const [created] = sandbox.orders().slice(before);
    expect(created).toMatchObject({ answeredWith: 500, order: { status: 'completed' } });
    expect(subscriptionIds()).toContain(created?.order.subscription_id);
  });

  it('reset drops the connection before creating the order', async () => {
    sandbox.addFaults([{ fault: 'reset' }]);
    const before = ordersCount();
    await expect(postOrder(kvm2Order)).rejects.toThrow();
    expect(ordersCount()).toBe(before);
  });

  it('resetAfterCreate creates the order, then drops the connection', async () => {
    sandbox.addFaults([{ fault: 'resetAfterCreate' }]);
    const before = ordersCount();
    await expect(postOrder(kvm2Order)).rejects.toThrow();
    const created = sandbox.orders().slice(before);
    expect(created).toHaveLength(1);
    expect(created[0]?.answeredWith).toBe(0);
  });

  it('rateLimit answers 429 Too Many Attempts, with Retry-After only when asked', async () => {
    sandbox.addFaults([{ fault: 'rateLimit', retryAfterSeconds: 7 }, { fault: 'rateLimit' }]);
    const before = ordersCount();
    const withHeader = await postOrder(kvm2Order);
    expect(withHeader.status).toBe(429);
    expect(withHeader.headers.get('retry-after')).toBe('7');
    expect(await withHeader.json()).toMatchObject({ message: 'Too Many Attempts.' });
    const withoutHeader = await postOrder(kvm2Order);
    expect(withoutHeader.status).toBe(429);
    expect(withoutHeader.headers.get('retry-after')).toBeNull();
    expect(ordersCount()).toBe(before);
  });

  it('delay answers normally after the delay, creating the order at the end', async () => {
    sandbox.addFaults([{ fault: 'delay', delayMs: 250 }]);
    const started = Date.now();
    const pending = postOrder(kvm2Order);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const midway = ordersCount();
    const order = await orderOf(await pending);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(recordOf(order.id).answeredWith).toBe(200);
    expect(sandbox.orders().findIndex((record) => record.order.id === order.id)).toBe(midway);
  });

  it('accepted answers 202 with a payment_initiated order and no subscription yet', async () => {
    sandbox.addFaults([{ fault: 'accepted' }]);
    const order = await orderOf(await postOrder(kvm2Order), 202);
    expect(order.status).toBe('payment_initiated');
    expect(recordOf(order.id).answeredWith).toBe(202);
    expect(subscriptionIds()).not.toContain(order.subscription_id);
  });

  it('unauthorized answers 401 even with the right token', async () => {
    sandbox.addFaults([{ fault: 'unauthorized' }]);
    const response = await postOrder(kvm2Order);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: 'Unauthenticated' });
    await orderOf(await postOrder(kvm2Order));
  });

  it('a rule with a match only strikes the requests that match it', async () => {
    sandbox.addFaults([{ fault: 'error500', times: -1, match: { coupon: 'BOOM' } }]);
    await orderOf(await postOrder(kvm2Order));
    expect((await postOrder({ ...kvm2Order, coupons: ['BOOM'] })).status).toBe(500);
    await orderOf(await postOrder({ ...kvm2Order, coupons: ['OTHER'] }));
    expect((await postOrder({ ...kvm2Order, coupons: ['OTHER', 'BOOM'] })).status).toBe(500);
  });

  it('matches on item id and on the paying method, the default one included', async () => {
    sandbox.addFaults([
      { fault: 'error503', match: { itemId: DOMAIN_YEAR } },
      { fault: 'error504', match: { paymentMethodId: 1327362 } },
    ]);
    await orderOf(await postOrder({ ...kvm2Order, payment_method_id: 1327363 }));
    expect((await postOrder({ items: [{ item_id: DOMAIN_YEAR }], payment_method_id: 1327363 })).status).toBe(503);
    expect((await postOrder({ items: [{ item_id: KVM2_MONTH }] })).status).toBe(504);
  });

  it('counts rules down: times 2 strikes twice, then orders go through', async () => {
    sandbox.addFaults([{ fault: 'error500', times: 2 }]);
    expect((await postOrder(kvm2Order)).status).toBe(500);
    expect((await postOrder(kvm2Order)).status).toBe(500);
    await orderOf(await postOrder(kvm2Order));
  });

  it('fires rules in the order they were added', async () => {
    sandbox.addFaults([{ fault: 'error503' }, { fault: 'error500' }]);
    expect((await postOrder(kvm2Order)).status).toBe(503);
    expect((await postOrder(kvm2Order)).status).toBe(500);
  });

  it('a forever rule (-1) stays until cleared', async () => {
    sandbox.addFaults([{ fault: 'error503', times: -1 }]);
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await postOrder(kvm2Order)).status).toBe(503);
    sandbox.clearFaults();
    await orderOf(await postOrder(kvm2Order));
  });

  it('leaves the other endpoints alone', async () => {
    sandbox.addFaults([{ fault: 'error500', times: -1 }]);
    expect((await get('/api/billing/v1/catalog')).status).toBe(200);
    expect((await get('/api/billing/v1/subscriptions')).status).toBe(200);
  });

  it('still validates a body when the fault lets the order be created', async () => {
    sandbox.addFaults([{ fault: 'accepted' }]);
    expect((await postOrder({ items: [] })).status).toBe(422);
    await orderOf(await postOrder(kvm2Order)); // the fault was used up by the invalid request
  });

  it('counts every order request received, faulted ones included', async () => {
    sandbox.addFaults([{ fault: 'reset' }, { fault: 'error500' }]);
    const before = sandbox.requestCount();
    await postOrder(kvm2Order).catch(() => undefined);
    await postOrder(kvm2Order);
    await postOrder({});
    await get('/api/billing/v1/catalog');
    expect(sandbox.requestCount()).toBe(before + 3);
  });
});

describe('latency', () => {
  it('delays every /api answer by the configured time', async () => {
    sandbox.setLatency(200);
    for (const request of [() => get('/api/billing/v1/catalog'), () => get('/api/billing/v1/catalog', 'wrong')]) {
      const started = Date.now();
      await request();
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    }
  });

  it('does not delay the control endpoints', async () => {
    sandbox.setLatency(1000);
    const started = Date.now();
    expect((await control('GET', 'faults')).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('can be set when starting', async () => {
    const slow = await startHostingerSandbox({ token: 'slow', latencyMs: 150 });
    try {
      const started = Date.now();
      await fetch(`${slow.url}/api/billing/v1/payment-methods`, { headers: bearer('slow') });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      await slow.close();
    }
  });
});

describe('control endpoints', () => {
  it('adds, lists and clears fault rules', async () => {
    const added = await control('POST', 'faults', { rules: [{ fault: 'error500', times: 2 }, { fault: 'reset' }] });
    expect(added.status).toBe(200);
    expect(await added.json()).toEqual([
      { fault: 'error500', times: 2 },
      { fault: 'reset', times: 1 },
    ]);
    expect((await control('POST', 'faults', { fault: 'rateLimit', retryAfterSeconds: 1 })).status).toBe(200);
    expect(((await (await control('GET', 'faults')).json()) as unknown[]).length).toBe(3);
    expect((await postOrder(kvm2Order)).status).toBe(500);
    expect(await (await control('GET', 'faults')).json()).toEqual([
      { fault: 'error500', times: 1 },
      { fault: 'reset', times: 1 },
      { fault: 'rateLimit', retryAfterSeconds: 1, times: 1 },
    ]);
    expect((await control('DELETE', 'faults')).status).toBe(204);
    expect(await (await control('GET', 'faults')).json()).toEqual([]);
  });

  it.each([
    ['faults', 'not json', /JSON/],
    ['faults', { fault: 'meteor' }, /fault must be one of/],
    ['faults', { rules: [{ fault: 'error500', times: 0 }] }, /times/],
    ['faults', { fault: 'delay' }, /delayMs/],
    ['token', { token: '' }, /token must be a non-empty string/],
    ['token', 'rotate', /body must be a JSON object/],
    ['latency', { ms: -5 }, /latency must be a non-negative integer/],
    ['latency', { milliseconds: 5 }, /latency must be a non-negative integer/],
  ])('refuses POST /__sandbox/%s with %j as a 400', async (path, body, reason) => {
    const response = await control('POST', path, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(reason);
    expect(await (await control('GET', 'faults')).json()).toEqual([]);
  });

  it('rotates the token', async () => {
    expect((await control('POST', 'token', { token: 'curl-token' })).status).toBe(204);
    expect((await get('/api/billing/v1/catalog')).status).toBe(401);
    expect((await get('/api/billing/v1/catalog', 'curl-token')).status).toBe(200);
  });

  it('sets the latency', async () => {
    expect((await control('POST', 'latency', { ms: 150 })).status).toBe(204);
    const started = Date.now();
    await get('/api/billing/v1/payment-methods');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('lists the orders created, as orders() does', async () => {
    await orderOf(await postOrder(kvm2Order));
    const response = await control('GET', 'orders');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(sandbox.orders());
  });
});

describe('routing', () => {
  it('answers an unknown path with 404 Not found', async () => {
    for (const path of ['/api/billing/v1/nothing', '/', '/__sandbox/nothing']) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ message: 'Not found' });
    }
  });

  it('answers a wrong method with 405 and the allowed ones', async () => {
    const response = await get('/api/billing/v1/orders');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(((await response.json()) as { message: string }).message).toBe('The GET method is not supported for route api/billing/v1/orders. Supported methods: POST.');
    expect((await control('PUT', 'faults')).headers.get('allow')).toBe('GET, POST, DELETE');
  });
});

describe('lifecycle', () => {
  it('keeps connections alive and still closes at once', async () => {
    const own = await startHostingerSandbox({ token: 'own' });
    const first = await fetch(`${own.url}/api/billing/v1/catalog`, { headers: bearer('own') });
    expect(first.headers.get('connection')).toBe('keep-alive');
    await first.arrayBuffer(); // the socket now idles in fetch's pool
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('closes at once while a delayed order is pending, creating nothing', async () => {
    const own = await startHostingerSandbox({ token: 'own' });
    own.addFaults([{ fault: 'delay', delayMs: 5000 }]);
    const pending = fetch(`${own.url}/api/billing/v1/orders`, {
      method: 'POST',
      headers: { ...bearer('own'), 'Content-Type': 'application/json' },
      body: JSON.stringify(kvm2Order),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(500);
    await expect(pending).rejects.toThrow();
    expect(own.orders()).toEqual([]);
  });

  it('closes at once while a client is still sending its request', async () => {
    const own = await startHostingerSandbox({ token: 'own' });
    const socket = connect(own.port, '127.0.0.1');
    const closedByServer = new Promise((resolve) => socket.once('close', resolve));
    socket.on('error', () => undefined);
    socket.write('POST /api/billing/v1/orders HTTP/1.1\r\nHost: sandbox\r\nContent-Length: 100\r\n\r\n{"items"');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(500);
    await closedByServer;
  }, 2000);

  it('refuses bad settings from code as well', () => {
    expect(() => sandbox.setLatency(-1)).toThrow(/latency/);
    expect(() => sandbox.setToken('')).toThrow(/token/);
    expect(() => sandbox.addFaults([{ fault: 'delay' }])).toThrow(/delayMs/);
  });
});
