/** Every kind of sandbox answer, validated against the schema both Hostinger spec slices give it. */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FaultRule, type HostingerSandbox, startHostingerSandbox } from '../local/sandbox/server.ts';
import { type SpecFile, specResponseValidator, specValidator } from './support/openapi.ts';

const SPEC_FILES: SpecFile[] = ['0.1.16', '1.42.5'];
const TOKEN = 'contract-token';
const kvm2Order = { payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] };

let sandbox: HostingerSandbox;

beforeAll(async () => {
  sandbox = await startHostingerSandbox({ token: TOKEN });
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.clearFaults());

function get(path: string, token = TOKEN): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
}

function postOrder(body: unknown, token = TOKEN): Promise<Response> {
  return fetch(`${sandbox.url}/api/billing/v1/orders`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The JSON body of the answer to an order request meeting `fault`, after checking its status. */
async function faultedOrderBody(fault: FaultRule, status: number): Promise<unknown> {
  sandbox.addFaults([fault]);
  const response = await postOrder(kvm2Order);
  expect(response.status).toBe(status);
  return response.json();
}

async function jsonOf(response: Promise<Response>, status: number): Promise<unknown> {
  const answer = await response;
  expect(answer.status).toBe(status);
  return answer.json();
}

type Check = { kind: 'schema' | 'response'; name: string; body: () => Promise<unknown> };

const ORDER = 'Billing.V1.Order.OrderResource';
const UNPROCESSABLE = 'Common.Response.UnprocessableContentResponse';
const UNAUTHORIZED = 'Common.Response.UnauthorizedResponse';
const ERROR = 'Common.Response.ErrorResponse';

const answers: [string, Check][] = [
  ['200 completed order', { kind: 'schema', name: ORDER, body: () => jsonOf(postOrder(kvm2Order), 200) }],
  [
    '200 multi-item order paid by PayPal',
    {
      kind: 'schema',
      name: ORDER,
      body: () =>
        jsonOf(
          postOrder({
            payment_method_id: 1327363,
            items: [{ item_id: 'hostingercom-hosting-premium-usd-48m', quantity: 2 }, { item_id: 'hostingercom-domain-com-usd-1y' }],
            coupons: ['SAVE10'],
          }),
          200,
        ),
    },
  ],
  ['200 awaiting_payment order (3-D Secure)', { kind: 'schema', name: ORDER, body: () => jsonOf(postOrder({ ...kvm2Order, payment_method_id: 1327364 }), 200) }],
  ['202 payment_initiated order', { kind: 'schema', name: ORDER, body: () => faultedOrderBody({ fault: 'accepted' }, 202) }],
  ['catalog', { kind: 'schema', name: 'Billing.V1.Catalog.CatalogItemCollection', body: () => jsonOf(get('/api/billing/v1/catalog'), 200) }],
  [
    'payment methods',
    {
      kind: 'schema',
      name: 'Billing.V1.PaymentMethod.PaymentMethodCollection',
      body: () => jsonOf(get('/api/billing/v1/payment-methods'), 200),
    },
  ],
  [
    'subscriptions',
    {
      kind: 'schema',
      name: 'Billing.V1.Subscription.SubscriptionCollection',
      body: async () => {
        await jsonOf(postOrder(kvm2Order), 200);
        const subscriptions = await jsonOf(get('/api/billing/v1/subscriptions'), 200);
        expect(subscriptions).not.toEqual([]);
        return subscriptions;
      },
    },
  ],
  ['401 wrong token', { kind: 'response', name: UNAUTHORIZED, body: () => jsonOf(get('/api/billing/v1/catalog', 'wrong'), 401) }],
  ['401 unauthorized fault', { kind: 'response', name: UNAUTHORIZED, body: () => faultedOrderBody({ fault: 'unauthorized' }, 401) }],
  ['422 items required', { kind: 'response', name: UNPROCESSABLE, body: () => jsonOf(postOrder({}), 422) }],
  [
    '422 several fields',
    {
      kind: 'response',
      name: UNPROCESSABLE,
      body: () => jsonOf(postOrder({ payment_method_id: 'x', items: [{ item_id: 'nope', quantity: 0 }], coupons: 'y' }), 422),
    },
  ],
  ['422 expired payment method', { kind: 'response', name: UNPROCESSABLE, body: () => jsonOf(postOrder({ ...kvm2Order, payment_method_id: 1327365 }), 422) }],
  ['500 before create', { kind: 'response', name: ERROR, body: () => faultedOrderBody({ fault: 'error500' }, 500) }],
  ['500 after create', { kind: 'response', name: ERROR, body: () => faultedOrderBody({ fault: 'error500AfterCreate' }, 500) }],
  // The spec names no body for 429 and 503; they are checked against its generic error response.
  ['429 rate limit', { kind: 'response', name: ERROR, body: () => faultedOrderBody({ fault: 'rateLimit', retryAfterSeconds: 1 }, 429) }],
  ['503 unavailable', { kind: 'response', name: ERROR, body: () => faultedOrderBody({ fault: 'error503' }, 503) }],
];

describe.each(SPEC_FILES)('sandbox answers against spec %s', (specFile) => {
  it.each(answers)('%s', async (_answer, { kind, name, body }) => {
    const validate = kind === 'schema' ? specValidator(specFile, name) : specResponseValidator(specFile, name);
    const check = validate(await body());
    expect(check.valid, check.errors).toBe(true);
  });

  it('every error body carries a correlation id, as the real API does', async () => {
    const body = (await jsonOf(postOrder({}), 422)) as { correlation_id?: unknown };
    expect(typeof body.correlation_id).toBe('string');
  });
});

describe.each(SPEC_FILES)('the spec %s validator', (specFile) => {
  const validOrder = {
    id: 2957086,
    subscription_id: 'Azz353Uhl1xC54pR0',
    status: 'completed',
    currency: 'USD',
    subtotal: 899,
    total: 1088,
    billing_address: { first_name: 'John', last_name: 'Doe', company: null, country: 'NL', email: 'john@doe.tld' },
    created_at: '2025-02-27T11:54:22Z',
    updated_at: '2025-03-27T11:54:22Z',
  };

  it('accepts the spec example, nullable fields as null', () => {
    expect(specValidator(specFile, ORDER)(validOrder)).toEqual({ valid: true, errors: '' });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown status', { status: 'bogus' }, /\/status must be equal to one of the allowed values/],
    ['a string id', { id: 'x' }, /\/id must be integer/],
    ['a cents total with a fraction', { total: 10.88 }, /\/total must be integer/],
    ['a timestamp that is not date-time', { created_at: '27/02/2025' }, /\/created_at must match format "date-time"/],
    ['a null non-nullable field', { billing_address: { email: null } }, /\/billing_address\/email must be string/],
  ])('rejects an OrderResource with %s', (_case, change, error) => {
    const check = specValidator(specFile, ORDER)({ ...validOrder, ...change });
    expect(check.valid).toBe(false);
    expect(check.errors).toMatch(error);
  });

  it('rejects a 422 body whose errors are not an object, and a collection that is not an array', () => {
    expect(specResponseValidator(specFile, UNPROCESSABLE)({ message: 'x', errors: ['x'] }).valid).toBe(false);
    expect(specValidator(specFile, 'Billing.V1.Catalog.CatalogItemCollection')({ id: 'x' }).valid).toBe(false);
    expect(specValidator(specFile, 'Billing.V1.Subscription.SubscriptionCollection')([{ status: 'deleted' }]).valid).toBe(false);
  });

  it('throws on a schema name the spec does not have', () => {
    expect(() => specValidator(specFile, 'Billing.V1.Order.Nope')).toThrow(/nothing at/);
    expect(() => specResponseValidator(specFile, 'Common.Response.Nope')).toThrow(/nothing at/);
  });

  it('compiles every component schema of the spec', () => {
    const spec = JSON.parse(readFileSync(new URL(`./fixtures/hostinger-api/billing-openapi-${specFile}.json`, import.meta.url), 'utf8')) as {
      components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
    };
    for (const name of Object.keys(spec.components.schemas)) expect(() => specValidator(specFile, name)).not.toThrow();
    for (const name of Object.keys(spec.components.responses)) expect(() => specResponseValidator(specFile, name)).not.toThrow();
  });
});

describe('request bodies', () => {
  it('a StoreRequest-shaped body satisfies both StoreRequest (0.1.16) and PurchaseRequest (1.42.5)', () => {
    const store = specValidator('0.1.16', 'Billing.V1.Order.StoreRequest');
    const purchase = specValidator('1.42.5', 'Billing.V1.Order.PurchaseRequest');
    expect(store(kvm2Order)).toEqual({ valid: true, errors: '' });
    expect(purchase(kvm2Order)).toEqual({ valid: true, errors: '' });
  });

  it('only PurchaseRequest lets payment_method_id and quantity be left out', () => {
    const minimal = { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }] };
    const store = specValidator('0.1.16', 'Billing.V1.Order.StoreRequest')(minimal);
    expect(store.valid).toBe(false);
    expect(store.errors).toMatch(/payment_method_id/);
    expect(store.errors).toMatch(/quantity/);
    expect(specValidator('1.42.5', 'Billing.V1.Order.PurchaseRequest')(minimal).valid).toBe(true);
    expect(specValidator('1.42.5', 'Billing.V1.Order.PurchaseRequest')({ items: [{ item_id: 7 }] }).valid).toBe(false);
  });
});

describe('spec fixtures', () => {
  const shared = new URL('../../shared/hostinger-api/', import.meta.url);

  it.skipIf(!existsSync(shared)).each(SPEC_FILES)('test/fixtures copy of %s matches shared/hostinger-api', (specFile) => {
    const name = `billing-openapi-${specFile}.json`;
    const copy = readFileSync(new URL(`./fixtures/hostinger-api/${name}`, import.meta.url), 'utf8');
    expect(copy).toBe(readFileSync(new URL(name, shared), 'utf8'));
  });
});
