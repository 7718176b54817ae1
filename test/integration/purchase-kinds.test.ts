import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeQueueToOutcomes } from '../../local/stack.ts';
import { sandboxOf } from '../support/crashing-stack.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/** VPS, domain and renewal purchases over the wire: HTTP and queue intake, the worker, the sandbox, outcomes. */
let t: TestStack;
let kindQueueUrl: string;

beforeAll(async () => {
  t = await startTestStack();
  // A subscriber that wants VPS outcomes only, by the `kind` message attribute.
  kindQueueUrl = await subscribeQueueToOutcomes(t.stack, 'vps-outcomes-only', { kind: ['vps'] });
});
afterAll(async () => {
  await t?.stop();
});

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${counter++}`;
const sandbox = () => sandboxOf(t);

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.stack.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const PAYPAL = 1327363;
const vps = (hostname?: string) => ({ item_id: 'hostingercom-vps-kvm1-usd-1m', setup: { template_id: 1130, data_center_id: 17, ...(hostname ? { hostname } : {}) } });
const domain = (name: string) => ({ domain: name, item_id: 'hostingercom-domain-com-usd-1y' });
const vmsNamed = (hostname: string) =>
  sandbox()
    .virtualMachines()
    .filter((vm) => vm.hostname === hostname);
const registrations = (name: string) =>
  sandbox()
    .orders()
    .filter((record) => record.kind === 'domain' && (record.request as { domain?: string }).domain === name);
const renewalsOf = (subscriptionId: string) =>
  sandbox()
    .orders()
    .filter((record) => record.renews === subscriptionId);

async function accepted(path: string, body: unknown, headers?: Record<string, string>): Promise<string> {
  const answer = await post(path, body, headers);
  expect(answer.status, JSON.stringify(answer.json)).toBe(202);
  expect(answer.json).toMatchObject({ status: 'queued' });
  return String(answer.json.requestId);
}

/** A subscription to renew: bought as a generic order first. */
async function subscription(): Promise<{ id: string; expiresAt: string }> {
  const requestId = await accepted('/orders', { items: [{ item_id: 'hostingercom-hosting-premium-usd-1m' }] });
  const outcome = await t.waitForOutcome(requestId);
  const id = outcome.order?.subscription_id;
  const found = sandbox()
    .subscriptions()
    .find((candidate) => candidate.id === id);
  if (!id || !found?.expires_at) throw new Error('the order made no subscription');
  return { id, expiresAt: found.expires_at };
}

describe('VPS: POST /vps', () => {
  it('buys a VM with a hostname derived from the request id; the outcome and GET /orders/{id} show it', async () => {
    const requestId = await accepted('/vps', vps());
    const outcome = await t.waitForOutcome(requestId);
    expect(outcome).toMatchObject({ kind: 'vps', type: 'order.succeeded', attempts: 1, order: { status: 'completed' } });
    const vm = outcome.bought?.vm;
    expect(vm?.hostname).toMatch(/^vps-[0-9a-f]{16}$/);
    expect(vm?.ipv4.length).toBe(1);
    expect(vmsNamed(vm?.hostname ?? '')).toHaveLength(1);
    const view = await t.getOrder(requestId);
    expect(view.json).toMatchObject({ kind: 'vps', status: 'succeeded', bought: { vm: { id: vm?.id, hostname: vm?.hostname } } });
  });

  it('a 500 after the purchase is settled as succeeded by the hostname, with exactly one VM', async () => {
    const hostname = `${unique('web')}.example.tld`;
    sandbox().addFaults([{ fault: 'error500AfterCreate', match: { path: '/api/vps/' } }]);
    const requestId = await accepted('/vps', vps(hostname));
    const outcome = await t.waitForOutcome(requestId);
    expect(outcome).toMatchObject({ kind: 'vps', type: 'order.succeeded', attempts: 1, reconciliation: { result: 'found', key: `vps:${hostname}` }, bought: { vm: { hostname } } });
    expect(vmsNamed(hostname)).toHaveLength(1);
  });

  it('a lost answer (reset after the purchase) is settled the same way, never bought twice', async () => {
    const hostname = `${unique('lost')}.example.tld`;
    sandbox().addFaults([{ fault: 'resetAfterCreate', match: { path: '/api/vps/' } }]);
    const outcome = await t.waitForOutcome(await accepted('/vps', vps(hostname)));
    expect(outcome).toMatchObject({ type: 'order.succeeded', reconciliation: { result: 'found' } });
    expect(vmsNamed(hostname)).toHaveLength(1);
  });

  it('a 500 before any purchase is retried once the hostname shows no VM (PayPal: nothing can be left awaiting payment): exactly one VM', async () => {
    const hostname = `${unique('retry')}.example.tld`;
    sandbox().addFaults([{ fault: 'error500', match: { path: '/api/vps/' } }]);
    const outcome = await t.waitForOutcome(await accepted('/vps', { ...vps(hostname), payment_method_id: PAYPAL }));
    expect(outcome).toMatchObject({ type: 'order.succeeded', attempts: 2 });
    expect(vmsNamed(hostname)).toHaveLength(1);
  });

  it('with a card, the same 500 ends unknown: a purchase awaiting 3-D Secure has no VM to find', async () => {
    const hostname = `${unique('card')}.example.tld`;
    sandbox().addFaults([{ fault: 'error500', match: { path: '/api/vps/' } }]);
    const outcome = await t.waitForOutcome(await accepted('/vps', vps(hostname)));
    expect(outcome).toMatchObject({ type: 'order.unknown', attempts: 1 });
    expect(outcome.error?.message).toMatch(/awaiting payment/);
    expect(vmsNamed(hostname)).toHaveLength(0);
  });

  it('a 202 is pending, not set up: the outcome says to finish in hPanel', async () => {
    const hostname = `${unique('pending')}.example.tld`;
    sandbox().addFaults([{ fault: 'accepted', match: { path: '/api/vps/' } }]);
    const outcome = await t.waitForOutcome(await accepted('/vps', vps(hostname)));
    expect(outcome).toMatchObject({ kind: 'vps', type: 'order.pending', order: { status: 'payment_initiated' } });
    expect(outcome.error?.message).toMatch(/hPanel/);
    expect(vmsNamed(hostname)).toHaveLength(0);
  });

  it('takes exactly Hostinger body, refuses anything else, and honours Idempotency-Key', async () => {
    const invalid = await post('/vps', { ...vps(), setup: { template_id: 1130 }, extra: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ message: 'invalid vps request', errors: { 'setup.data_center_id': expect.any(Array), extra: ['is not a known field'] } });
    const key = unique('vps-key');
    const first = await accepted('/vps', vps(), { 'idempotency-key': key });
    const again = await post('/vps', vps(), { 'idempotency-key': key });
    expect(again).toMatchObject({ status: 202, json: { requestId: first } });
    const other = await post('/vps', vps('other.example.tld'), { 'idempotency-key': key });
    expect(other.status).toBe(409);
    await t.waitForOutcome(first);
  });

  it('a hostname already used by a VM of the account is refused at intake', async () => {
    const hostname = `${unique('taken')}.example.tld`;
    await t.waitForOutcome(await accepted('/vps', vps(hostname)));
    const again = await post('/vps', vps(hostname));
    expect(again.status).toBe(400);
    expect(JSON.stringify(again.json.errors)).toMatch(/already the hostname of a VM/);
  });

  it('outcomes carry kind as an SNS message attribute: a kind filter policy gets only VPS outcomes', async () => {
    const received: { kind?: string }[] = [];
    const { sqs } = t.stack.clients;
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline && received.length < 3) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: kindQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      received.push(...Messages.map((message) => JSON.parse(message.Body ?? '{}') as { kind?: string }));
    }
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((outcome) => outcome.kind === 'vps')).toBe(true);
  });
});

describe('domains: POST /domains and queue messages', () => {
  it('registers a domain sent as a queue message with kind "domain"; the outcome shows it and its status', async () => {
    const name = `${unique('queue')}.com`;
    const requestId = unique('domain-msg');
    await t.sendMessage(JSON.stringify({ kind: 'domain', requestId, ...domain(name) }));
    const outcome = await t.waitForOutcome(requestId);
    expect(outcome).toMatchObject({ kind: 'domain', type: 'order.succeeded', bought: { domain: { domain: name, status: 'active' } } });
    expect((await t.getOrder(requestId)).json).toMatchObject({ kind: 'domain', bought: { domain: { domain: name } } });
  });

  it('a 500 after the purchase is settled as succeeded by the portfolio, with exactly one registration', async () => {
    const name = `${unique('five')}.com`;
    sandbox().addFaults([{ fault: 'error500AfterCreate', match: { path: '/api/domains/' } }]);
    const outcome = await t.waitForOutcome(await accepted('/domains', domain(name)));
    expect(outcome).toMatchObject({ kind: 'domain', type: 'order.succeeded', reconciliation: { result: 'found', key: `domain:${name}` } });
    expect(registrations(name)).toHaveLength(1);
  });

  it('intake refuses a domain already in the portfolio, with a clear message', async () => {
    const name = `${unique('mine')}.com`;
    await t.waitForOutcome(await accepted('/domains', domain(name)));
    const again = await post('/domains', domain(name));
    expect(again.status).toBe(400);
    expect(again.json.errors).toEqual({ domain: [`${name} is already in this account's domain portfolio`] });
  });

  it('a name taken elsewhere is rejected by Hostinger (422), not retried', async () => {
    const outcome = await t.waitForOutcome(await accepted('/domains', domain('taken-elsewhere.com')));
    expect(outcome).toMatchObject({ kind: 'domain', type: 'order.rejected', error: { httpStatus: 422 } });
  });
});

describe('renewals: POST /renewals', () => {
  it('renews a subscription; the outcome shows its new expiry', async () => {
    const { id, expiresAt } = await subscription();
    const requestId = await accepted('/renewals', { subscription_id: id });
    const outcome = await t.waitForOutcome(requestId);
    expect(outcome).toMatchObject({ kind: 'renewal', type: 'order.succeeded', order: { subscription_id: id } });
    expect(Date.parse(outcome.bought?.subscription?.expires_at ?? '')).toBeGreaterThan(Date.parse(expiresAt));
    expect((await t.getOrder(requestId)).json).toMatchObject({ kind: 'renewal', bought: { subscription: { id } } });
  });

  it('a 500 after the renewal is settled as succeeded because the expiry moved, with exactly one renewal', async () => {
    const { id, expiresAt } = await subscription();
    sandbox().addFaults([{ fault: 'error500AfterCreate', match: { path: `/api/billing/v1/subscriptions/${id}` } }]);
    const outcome = await t.waitForOutcome(await accepted('/renewals', { subscription_id: id }));
    expect(outcome).toMatchObject({ kind: 'renewal', type: 'order.succeeded', reconciliation: { result: 'found', key: `renewal:${id}` } });
    expect(renewalsOf(id)).toHaveLength(1);
    const month = sandbox()
      .subscriptions()
      .find((candidate) => candidate.id === id)?.expires_at;
    expect(Date.parse(month ?? '')).toBeGreaterThan(Date.parse(expiresAt));
  });

  it('a renewal of a subscription the account does not have is refused at intake', async () => {
    const answer = await post('/renewals', { subscription_id: 'NoSuchSubscription1' });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toEqual({ subscription_id: ['NoSuchSubscription1 is not a subscription of this account'] });
  });
});
