/**
 * The provisioning purchases against Hostinger's whole spec (1.42.5): what the sandbox answers on the VPS,
 * domain and renewal endpoints and their reads, and what the project's client sends to them.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPurchaseClient } from '../lib/hostinger/purchase-client.ts';
import { type PurchaseKind, parsePurchase } from '../lib/order/kinds/purchase.ts';
import { type FaultRule, type HostingerSandbox, startHostingerSandbox } from '../local/sandbox/server.ts';
import { specResponseValidator, specValidator } from './support/openapi.ts';

const SPEC = 'full-1.42.5';
const TOKEN = 'contract-token';
const schema = (name: string) => specValidator(SPEC, name);
const response = (name: string) => specResponseValidator(SPEC, name);
const UNPROCESSABLE = 'Common.Response.UnprocessableContentResponse';
const ERROR = 'Common.Response.ErrorResponse';

const vps = { item_id: 'hostingercom-vps-kvm2-usd-1m', setup: { template_id: 1130, data_center_id: 19, hostname: 'web-1.example.tld' } };
const domain = (name: string) => ({ domain: name, item_id: 'hostingercom-domain-com-usd-1y' });
const order = { items: [{ item_id: 'hostingercom-vps-kvm1-usd-1m' }] };

let sandbox: HostingerSandbox;
beforeAll(async () => {
  sandbox = await startHostingerSandbox({ token: TOKEN });
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.clearFaults());

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const answer = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: answer.status, json: await answer.json() };
}

function expectValid(check: { valid: boolean; errors: string }) {
  expect(check.valid, check.errors).toBe(true);
}

async function faulted(fault: FaultRule, path: string, body: unknown) {
  sandbox.addFaults([fault]);
  return call('POST', path, body);
}

let counter = 0;
const fresh = () => `contract-${Date.now().toString(36)}-${counter++}.com`;

describe('VPS: POST /api/vps/v1/virtual-machines and its reads', () => {
  it('200: the order and the VM it set up (VirtualMachineOrderResource), listed by GET /virtual-machines', async () => {
    const { status, json } = await call('POST', '/api/vps/v1/virtual-machines', vps);
    expect(status).toBe(200);
    expectValid(schema('Billing.V1.Order.VirtualMachineOrderResource')(json));
    expect(json).toMatchObject({
      order: { status: 'completed' },
      virtual_machine: { hostname: 'web-1.example.tld', state: 'running', data_center_id: 19, template: { id: 1130 } },
    });
    const vms = await call('GET', '/api/vps/v1/virtual-machines');
    expectValid(schema('VPS.V1.VirtualMachine.VirtualMachineCollection')(vms.json));
    expect(vms.json).toContainEqual(
      expect.objectContaining({ hostname: 'web-1.example.tld', subscription_id: (json as { order: { subscription_id: string } }).order.subscription_id }),
    );
  });

  it.each<[string, FaultRule | undefined, unknown]>([
    ['the accepted fault', { fault: 'accepted' }, vps],
    ['a card that needs 3-D Secure', undefined, { ...vps, payment_method_id: 1327364 }],
  ])('202 with %s: the order, payment pending, and no VM set up', async (_case, fault, body) => {
    const before = sandbox.virtualMachines().length;
    const { status, json } = fault ? await faulted(fault, '/api/vps/v1/virtual-machines', body) : await call('POST', '/api/vps/v1/virtual-machines', body);
    expect(status).toBe(202);
    expectValid(schema('Billing.V1.Order.VirtualMachineOrderResource')(json));
    expect((json as { order: { status: string } }).order.status).toMatch(/payment_initiated|awaiting_payment/);
    expect(json).not.toHaveProperty('virtual_machine');
    expect(sandbox.virtualMachines()).toHaveLength(before);
  });

  it.each<[string, unknown, Record<string, string[]>]>([
    ['no setup', { item_id: vps.item_id }, { setup: ['The setup field is required.'] }],
    [
      'an unknown template and data centre',
      { ...vps, setup: { template_id: 1, data_center_id: 2 } },
      { 'setup.template_id': ['The selected setup.template_id is invalid.'], 'setup.data_center_id': ['The selected setup.data_center_id is invalid.'] },
    ],
    [
      'a short password and a bad hostname',
      { ...vps, setup: { ...vps.setup, password: 'short', hostname: 'bad_host!' } },
      { 'setup.password': ['The setup.password field must be at least 12 characters.'], 'setup.hostname': ['The setup.hostname field format is invalid.'] },
    ],
    ['an item that is not a VPS', { ...vps, item_id: 'hostingercom-domain-com-usd-1y' }, { item_id: ['The selected item id is invalid.'] }],
  ])('422 for %s', async (_case, body, errors) => {
    const { status, json } = await call('POST', '/api/vps/v1/virtual-machines', body);
    expect(status).toBe(422);
    expectValid(response(UNPROCESSABLE)(json));
    expect((json as { errors: unknown }).errors).toEqual(errors);
  });

  it('500 after create: an ErrorResponse, and the VM exists all the same', async () => {
    const { status, json } = await faulted({ fault: 'error500AfterCreate' }, '/api/vps/v1/virtual-machines', {
      ...vps,
      setup: { ...vps.setup, hostname: 'after-500.example.tld' },
    });
    expect(status).toBe(500);
    expectValid(response(ERROR)(json));
    expect(sandbox.virtualMachines().filter((vm) => vm.hostname === 'after-500.example.tld')).toHaveLength(1);
  });

  it('templates and data centres', async () => {
    expectValid(schema('VPS.V1.Template.TemplateCollection')((await call('GET', '/api/vps/v1/templates')).json));
    expectValid(schema('VPS.V1.DataCenter.DataCenterCollection')((await call('GET', '/api/vps/v1/data-centers')).json));
  });

  it('the sandbox never keeps a root password', async () => {
    await call('POST', '/api/vps/v1/virtual-machines', { ...vps, setup: { ...vps.setup, hostname: 'pw.example.tld', password: 'a-long-secret-1234' } });
    expect(JSON.stringify(sandbox.orders())).not.toContain('a-long-secret-1234');
  });
});

describe('domains: POST /api/domains/v1/portfolio, the portfolio and availability', () => {
  it('200: an OrderResource; the domain is then in the portfolio and no longer available', async () => {
    const name = fresh();
    const { status, json } = await call('POST', '/api/domains/v1/portfolio', domain(name));
    expect(status).toBe(200);
    expectValid(schema('Billing.V1.Order.OrderResource')(json));
    const list = await call('GET', '/api/domains/v1/portfolio');
    expectValid(schema('Domains.V1.Domain.DomainCollection')(list.json));
    expect(list.json).toContainEqual(expect.objectContaining({ domain: name, status: 'active' }));
    const details = await call('GET', `/api/domains/v1/portfolio/${name}`);
    expect(details.status).toBe(200);
    expectValid(schema('Domains.V1.Domain.DomainExtendedResource')(details.json));
    const again = await call('POST', '/api/domains/v1/portfolio', domain(name));
    expect(again.status).toBe(422);
    expectValid(response(UNPROCESSABLE)(again.json));
    expect((again.json as { errors: unknown }).errors).toEqual({ domain: ['The domain is not available for registration.'] });
  });

  it('202: payment pending, nothing registered', async () => {
    const name = fresh();
    const { status, json } = await faulted({ fault: 'accepted' }, '/api/domains/v1/portfolio', domain(name));
    expect(status).toBe(202);
    expectValid(schema('Billing.V1.Order.OrderResource')(json));
    expect(sandbox.domains().some((registered) => registered.domain === name)).toBe(false);
  });

  it('422: a name taken elsewhere, a TLD the item does not sell, a bad name', async () => {
    const taken = await call('POST', '/api/domains/v1/portfolio', domain('taken-by-someone.com'));
    expect((taken.json as { errors: unknown }).errors).toEqual({ domain: ['The domain is not available for registration.'] });
    const wrongTld = await call('POST', '/api/domains/v1/portfolio', domain('my-site.org'));
    expect((wrongTld.json as { errors: unknown }).errors).toEqual({ item_id: ['The selected item id is invalid.'] });
    const bad = await call('POST', '/api/domains/v1/portfolio', { ...domain('not a domain'), domain_contacts: { owner_id: 'x' } });
    expect((bad.json as { errors: unknown }).errors).toEqual({
      domain: ['The domain field format is invalid.'],
      'domain_contacts.owner_id': ['The domain_contacts.owner_id field must be an integer.'],
    });
    for (const answer of [taken, wrongTld, bad]) expectValid(response(UNPROCESSABLE)(answer.json));
  });

  it('404 for a domain not in the portfolio', async () => {
    const { status, json } = await call('GET', '/api/domains/v1/portfolio/nowhere-to-be-found.com');
    expect(status).toBe(404);
    expectValid(response(ERROR)(json));
  });

  it('availability: an AvailabilityCollection, alternatives for one TLD, 422 for a bad body', async () => {
    const { status, json } = await call('POST', '/api/domains/v1/availability', { domain: 'fresh-name', tlds: ['com', 'net'] });
    expect(status).toBe(200);
    expectValid(schema('Domains.V1.Availability.AvailabilityCollection')(json));
    expect(json).toEqual([
      { domain: 'fresh-name.com', is_available: true, is_alternative: false, restriction: null },
      { domain: 'fresh-name.net', is_available: true, is_alternative: false, restriction: null },
    ]);
    const alternatives = await call('POST', '/api/domains/v1/availability', { domain: 'taken', tlds: ['com'], with_alternatives: true });
    expect(alternatives.json).toEqual(
      expect.arrayContaining([expect.objectContaining({ domain: 'taken.com', is_available: false }), expect.objectContaining({ is_alternative: true })]),
    );
    const invalid = await call('POST', '/api/domains/v1/availability', { domain: 'x.com' });
    expect(invalid.status).toBe(422);
    expectValid(response(UNPROCESSABLE)(invalid.json));
  });

  it('availability is limited to 90 requests a minute: the 91st is a 429 with Retry-After', async () => {
    const limited = await startHostingerSandbox({ token: TOKEN });
    try {
      const ask = () =>
        fetch(`${limited.url}/api/domains/v1/availability`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ domain: 'rate', tlds: ['com'] }),
        });
      const statuses = [];
      for (let i = 0; i < 90; i++) statuses.push((await ask()).status);
      expect(new Set(statuses)).toEqual(new Set([200]));
      const refused = await ask();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expectValid(response(ERROR)(await refused.json()));
    } finally {
      await limited.close();
    }
  });
});

describe('renewals: POST /api/billing/v1/subscriptions/{subscriptionId}/renew', () => {
  async function subscription(): Promise<{ id: string; expires_at: string }> {
    const placed = await call('POST', '/api/billing/v1/orders', order);
    const id = (placed.json as { subscription_id: string }).subscription_id;
    const found = sandbox.subscriptions().find((candidate) => candidate.id === id);
    if (!found?.expires_at) throw new Error('no subscription');
    return { id, expires_at: found.expires_at };
  }

  it('200: an OrderResource for the subscription; its expiry moves one period later', async () => {
    const { id, expires_at } = await subscription();
    const { status, json } = await call('POST', `/api/billing/v1/subscriptions/${id}/renew`, {});
    expect(status).toBe(200);
    expectValid(schema('Billing.V1.Order.OrderResource')(json));
    expect(json).toMatchObject({ subscription_id: id, status: 'completed' });
    const list = await call('GET', '/api/billing/v1/subscriptions');
    expectValid(schema('Billing.V1.Subscription.SubscriptionCollection')(list.json));
    const renewed = (list.json as { id: string; expires_at: string; next_billing_at: string }[]).find((candidate) => candidate.id === id);
    expect(Date.parse(renewed?.expires_at ?? '')).toBeGreaterThan(Date.parse(expires_at));
    expect(renewed?.next_billing_at).toBe(renewed?.expires_at);
  });

  it('202 (accepted fault): pending, the expiry has not moved; 422 for an expired card; 404 for an unknown subscription', async () => {
    const { id, expires_at } = await subscription();
    const pending = await faulted({ fault: 'accepted' }, `/api/billing/v1/subscriptions/${id}/renew`, {});
    expect(pending.status).toBe(202);
    expectValid(schema('Billing.V1.Order.OrderResource')(pending.json));
    expect(sandbox.subscriptions().find((candidate) => candidate.id === id)?.expires_at).toBe(expires_at);
    const expired = await call('POST', `/api/billing/v1/subscriptions/${id}/renew`, { payment_method_id: 1327365 });
    expect(expired.status).toBe(422);
    expectValid(response(UNPROCESSABLE)(expired.json));
    const unknown = await call('POST', '/api/billing/v1/subscriptions/NoSuchSubscription1/renew', {});
    expect(unknown.status).toBe(404);
    expectValid(response(ERROR)(unknown.json));
  });

  it('the sandbox faults apply, matched by path', async () => {
    const { id } = await subscription();
    const { status } = await faulted({ fault: 'error500', match: { path: '/api/billing/v1/subscriptions/' } }, `/api/billing/v1/subscriptions/${id}/renew`, {});
    expect(status).toBe(500);
  });
});

describe('the purchase client, against the spec request schemas', () => {
  let server: http.Server;
  let url: string;
  const received: { body: unknown; path: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((request, answer) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        received.push({ body: JSON.parse(text), path: request.url ?? '' });
        answer.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 1, status: 'completed' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const reads = { billing: { subscriptions: async () => [] }, provisioning: { portfolio: async () => [] } };

  it.each<[PurchaseKind, unknown, string, string]>([
    [
      'vps',
      { ...vps, setup: { template_id: 1130, data_center_id: 19, password: 'a-long-secret-1234', public_key: { name: 'k', key: 'ssh-ed25519 AAAA' } } },
      '/prefix/api/vps/v1/virtual-machines',
      'VPS.V1.VirtualMachine.PurchaseRequest',
    ],
    [
      'domain',
      { ...domain('my-new-domain.com'), domain_contacts: { owner_id: 741288 }, additional_details: {}, coupons: ['Coupon 3'] },
      '/prefix/api/domains/v1/portfolio',
      'Domains.V1.Portfolio.PurchaseRequest',
    ],
    [
      'renewal',
      { subscription_id: 'Azz353Uhl1xC54pR0', payment_method_id: 1327362 },
      '/prefix/api/billing/v1/subscriptions/Azz353Uhl1xC54pR0/renew',
      'Billing.V1.Subscription.Renewal.RenewRequest',
    ],
    ['order', { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }] }, '/prefix/api/billing/v1/orders', 'Billing.V1.Order.PurchaseRequest'],
  ])('a %s purchase goes to its endpoint with a body its schema accepts', async (kind, body, path, schemaName) => {
    const parsed = parsePurchase(kind, body);
    if (!parsed.ok) throw new Error(`fixture must be valid: ${JSON.stringify(parsed.errors)}`);
    await createPurchaseClient({ baseUrl: url, timeoutMs: 2000, reads })(parsed.value, TOKEN, { requestId: 'r-1', uncertainBefore: false });
    const last = received.at(-1);
    expect(last?.path).toBe(path);
    expectValid(schema(schemaName)(last?.body));
    expect(last?.body).not.toHaveProperty('kind');
  });

  it('a VPS without a hostname is sent with the one derived from its request id', async () => {
    const parsed = parsePurchase('vps', { item_id: vps.item_id, setup: { template_id: 1130, data_center_id: 19 } });
    if (!parsed.ok) throw new Error('fixture must be valid');
    await createPurchaseClient({ baseUrl: url, timeoutMs: 2000, reads })(parsed.value, TOKEN, { requestId: 'r-2', uncertainBefore: false });
    expect((received.at(-1)?.body as { setup: { hostname: string } }).setup.hostname).toMatch(/^vps-[0-9a-f]{16}$/);
  });

  it('the schema check itself fails on a wrong shape', () => {
    expect(schema('VPS.V1.VirtualMachine.PurchaseRequest')({ item_id: 'x', setup: { template_id: 'x' } }).valid).toBe(false);
  });
});

describe('spec fixture', () => {
  const shared = new URL('../../shared/hostinger-api/openapi-1.42.5.json', import.meta.url);
  it.skipIf(!existsSync(shared))('test/fixtures copy of the whole spec matches shared/hostinger-api', () => {
    expect(readFileSync(new URL('./fixtures/hostinger-api/openapi-1.42.5.json', import.meta.url), 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});
