import { describe, expect, it, vi } from 'vitest';
import { checkAgainstAccount } from '../../lib/catalog/account-check.ts';
import type { KeyBaseline, PurchaseKeyHold, PurchaseKeyLedger } from '../../lib/ledger/purchase-key-ledger.ts';
import { asOrder, hostingerCall, keyName, type Purchase, parsePurchase, parsePurchaseMessage, priceLines, purchaseKey, redactPurchase } from '../../lib/order/kinds/purchase.ts';
import { renewalMoved } from '../../lib/order/kinds/renewal.ts';
import { requestHash } from '../../lib/order/request-identity.ts';
import { createKeyedPurchases, reconcileByKind } from '../../lib/reconciliation/by-key.ts';
import { baselineOf, settleByKey } from '../../lib/reconciliation/key-verdict.ts';
import { parsePlan } from '../../lib/scheduled/plan.ts';
import { runMessages } from '../../lib/scheduled/plan-run.ts';
import { collectingLog } from '../support/log.ts';

const vpsBody = { item_id: 'hostingercom-vps-kvm2-usd-1m', setup: { template_id: 1130, data_center_id: 19 } };
const parsed = (kind: Parameters<typeof parsePurchase>[0], body: unknown): Purchase => {
  const result = parsePurchase(kind, body);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
};

describe('purchase kinds: schemas, calls, keys, prices', () => {
  it('each kind takes exactly Hostinger request body, strictly', () => {
    expect(parsePurchase('vps', { ...vpsBody, setup: { ...vpsBody.setup, password: 'short' }, kind: 'vps' })).toEqual({
      ok: false,
      errors: { 'setup.password': ['must be at least 12 characters'], kind: ['is not a known field'] },
    });
    expect(parsePurchase('domain', { domain: 'My-Site.com', item_id: 'x' })).toMatchObject({ ok: false, errors: { domain: [expect.stringMatching(/lower case/)] } });
    expect(parsePurchase('renewal', { subscription_id: 'Azz353Uhl1xC54pR0', items: [] })).toMatchObject({ ok: false, errors: { items: ['is not a known field'] } });
    expect(parsed('renewal', { subscription_id: 'Azz353Uhl1xC54pR0' })).toEqual({ kind: 'renewal', subscription_id: 'Azz353Uhl1xC54pR0' });
  });

  it('a queue message names its kind; none (or "order") is a generic order, stored untagged', () => {
    expect(parsePurchaseMessage({ items: [{ item_id: 'a' }] })).toEqual({ ok: true, value: { items: [{ item_id: 'a', quantity: 1 }] } });
    expect(parsePurchaseMessage({ kind: 'order', items: [{ item_id: 'a' }] })).toEqual({ ok: true, value: { items: [{ item_id: 'a', quantity: 1 }] } });
    expect(parsePurchaseMessage({ kind: 'vps', requestId: 'r', ...vpsBody })).toMatchObject({ ok: true, value: { kind: 'vps', requestId: 'r' } });
    expect(parsePurchaseMessage({ kind: 'boat' })).toEqual({ ok: false, errors: { kind: ['must be one of order, vps, domain, renewal'] } });
  });

  it('the same body of two kinds hashes differently; a generic order hashes as before kinds existed', () => {
    const order = parsed('order', { items: [{ item_id: 'a' }] });
    expect(requestHash(order)).toBe(requestHash({ items: [{ item_id: 'a', quantity: 1 }] }));
    expect(requestHash(parsed('vps', vpsBody))).not.toBe(requestHash({ ...vpsBody } as unknown as Purchase));
  });

  it('each kind calls its endpoint; a VPS without hostname gets one derived from the request id, stable and unique', () => {
    const vps = parsed('vps', vpsBody);
    const call = hostingerCall(vps, 'request-1');
    expect(call.path).toBe('/api/vps/v1/virtual-machines');
    const hostname = (call.body as { setup: { hostname: string } }).setup.hostname;
    expect(hostname).toMatch(/^vps-[0-9a-f]{16}$/);
    expect((hostingerCall(vps, 'request-1').body as { setup: { hostname: string } }).setup.hostname).toBe(hostname);
    expect((hostingerCall(vps, 'request-2').body as { setup: { hostname: string } }).setup.hostname).not.toBe(hostname);
    expect(keyName(purchaseKey(vps, 'request-1') ?? { kind: 'domain', domain: '' })).toBe(`vps:${hostname}`);
    expect(hostingerCall(parsed('renewal', { subscription_id: 'S1', coupons: ['C'] }), 'r')).toEqual({ path: '/api/billing/v1/subscriptions/S1/renew', body: { coupons: ['C'] } });
  });

  it('price lines: item ids and quantities for guardrails and quotes; a renewal names its subscription', () => {
    expect(priceLines(parsed('domain', { domain: 'a-b.com', item_id: 'hostingercom-domain-com-usd-1y' }))).toEqual({
      items: [{ item_id: 'hostingercom-domain-com-usd-1y', quantity: 1 }],
      renewals: [],
    });
    expect(priceLines(parsed('renewal', { subscription_id: 'S1' }))).toEqual({ items: [], renewals: ['S1'] });
    expect(asOrder(parsed('renewal', { subscription_id: 'S1' }))).toEqual({ items: [] });
    expect(asOrder(parsed('vps', { ...vpsBody, payment_method_id: 7 }))).toEqual({ items: [{ item_id: vpsBody.item_id, quantity: 1 }], payment_method_id: 7 });
  });

  it('the ledger copy of a VPS purchase has no root password', () => {
    const vps = parsed('vps', { ...vpsBody, setup: { ...vpsBody.setup, password: 'a-long-secret-1234' } });
    expect(JSON.stringify(redactPurchase(vps))).not.toContain('a-long-secret-1234');
  });
});

describe('settling by key (pure)', () => {
  const vm = (id: number, hostname: string) => ({ id, hostname, subscription_id: `sub-${id}`, state: 'running', ipv4: [{ address: '203.0.113.9' }], ipv6: [] });
  const vpsKey = { kind: 'vps', hostname: 'web.example.tld' } as const;

  it('a hostname already in use is refused before the first attempt; a new VM with it afterwards is the purchase', () => {
    expect(baselineOf(vpsKey, { virtualMachines: [vm(1, 'web.example.tld')] })).toMatchObject({ refused: { 'setup.hostname': [expect.stringMatching(/VM 1/)] } });
    const { baseline } = baselineOf(vpsKey, { virtualMachines: [vm(1, 'other')] }) as { baseline: KeyBaseline };
    expect(settleByKey(vpsKey, baseline, { virtualMachines: [vm(1, 'other')] }, Date.now())).toEqual({ found: false });
    expect(settleByKey(vpsKey, baseline, { virtualMachines: [vm(1, 'other'), vm(2, 'WEB.example.tld')] }, Date.now())).toMatchObject({
      found: true,
      subscriptionId: 'sub-2',
      bought: { vm: { id: 2, ipv4: ['203.0.113.9'] } },
    });
  });

  it('a renewal is found when expires_at or next_billing_at moved later, not when they stayed or moved back', () => {
    const before = { expires_at: '2026-12-30T00:00:00Z', next_billing_at: '2026-12-30T00:00:00Z' };
    expect(renewalMoved(before, before)).toBe(false);
    expect(renewalMoved(before, { ...before, expires_at: '2027-01-30T00:00:00Z' })).toBe(true);
    expect(renewalMoved(before, { expires_at: '2026-11-30T00:00:00Z', next_billing_at: null })).toBe(false);
    const key = { kind: 'renewal', subscriptionId: 'S1' } as const;
    const subscriptions = (expires: string) => [{ id: 'S1', created_at: '2026-01-01T00:00:00Z', expires_at: expires, next_billing_at: expires }];
    const { baseline } = baselineOf(key, { subscriptions: subscriptions(before.expires_at) }) as { baseline: KeyBaseline };
    expect(settleByKey(key, baseline, { subscriptions: subscriptions('2027-01-30T00:00:00Z') }, Date.parse('2026-12-01T00:00:00Z'))).toMatchObject({
      found: true,
      bought: { subscription: { id: 'S1', expires_at: '2027-01-30T00:00:00Z' } },
    });
    expect(baselineOf(key, { subscriptions: [] })).toMatchObject({ refused: { subscription_id: [expect.stringMatching(/not a subscription/)] } });
  });

  it('account checks at intake: a domain in the portfolio, an unknown or cancelled subscription', () => {
    const domain = parsed('domain', { domain: 'mine.com', item_id: 'x' });
    expect(checkAgainstAccount(domain, { portfolio: [{ domain: 'mine.com', status: 'active' }] })).toEqual({ domain: ["mine.com is already in this account's domain portfolio"] });
    expect(checkAgainstAccount(domain, { portfolio: [] })).toEqual({});
    const renewal = parsed('renewal', { subscription_id: 'S1' });
    expect(checkAgainstAccount(renewal, { subscriptions: [{ id: 'S1', status: 'cancelled', created_at: '' }] })).toEqual({
      subscription_id: ['S1 is cancelled and cannot be renewed'],
    });
  });
});

describe('keyed purchases: hold before the first attempt, settle by key', () => {
  function fakeKeys(): PurchaseKeyLedger & { holds: Map<string, PurchaseKeyHold> } {
    const holds = new Map<string, PurchaseKeyHold>();
    return {
      holds,
      get: async (key) => holds.get(key),
      async hold(hold) {
        const current = holds.get(hold.key);
        if (!current || current.releasedAt) {
          holds.set(hold.key, hold);
          return { held: true, hold };
        }
        return current.requestId === hold.requestId ? { held: true, hold: current } : { held: false, holder: current.requestId };
      },
      async release(key, requestId, now) {
        const current = holds.get(key);
        if (current?.requestId === requestId) current.releasedAt = now.toISOString();
      },
    };
  }
  const settings = { clockSkewMs: 0, lateMs: 0, settleMs: 0, indexLagMs: 0, patienceMs: 0, sharedAccount: false };
  const deadline = { remainingMs: () => 60_000 };
  const window = { startedAt: 0, endedAt: 0, answered: false };

  function keyed(portfolio: { domain: string; status: string }[], keys = fakeKeys()) {
    const keyedPurchases = createKeyedPurchases({
      log: collectingLog(),
      billing: { subscriptions: async () => [] },
      provisioning: { virtualMachines: async () => [], portfolio: async () => portfolio },
      keys,
      token: async () => 't',
      settings,
      timeoutMs: 10,
      reserveMs: 0,
      sleep: async () => undefined,
      now: () => 0,
    });
    return { keyedPurchases, keys };
  }

  it('one request at a time holds a key; a request that never held it surely bought nothing', async () => {
    const { keyedPurchases, keys } = keyed([]);
    const domain = parsed('domain', { domain: 'one.com', item_id: 'x' });
    expect(await keyedPurchases.prepare('a', domain)).toEqual({ ready: true });
    expect(await keyedPurchases.prepare('a', domain)).toEqual({ ready: true });
    expect(await keyedPurchases.prepare('b', domain)).toEqual({ rejected: { domain: ['one.com is being bought by request a; one request at a time buys a key'] } });
    expect(await keyedPurchases.reconcile('b', domain, window, deadline)).toEqual({ result: 'absent', definitive: true });
    expect(await keyedPurchases.reconcile('a', domain, { ...window, answered: true, httpStatus: 500 }, deadline)).toEqual({ result: 'absent', definitive: true });
    await keyedPurchases.release('a', domain, 'failed', new Date(0));
    expect(keys.holds.get('domain:one.com')?.releasedAt).toBeDefined();
    expect(await keyedPurchases.prepare('b', domain)).toEqual({ ready: true });
  });

  it('found nothing after a lost answer is not certain: the answer may have been a 202, whose purchase sets nothing up on any payment method', async () => {
    const { keyedPurchases } = keyed([]);
    const domain = parsed('domain', { domain: 'lost.com', item_id: 'x' });
    await keyedPurchases.prepare('a', domain);
    expect(await keyedPurchases.reconcile('a', domain, window, deadline)).toEqual({ result: 'absent' });
    expect(await keyedPurchases.reconcile('a', domain, { ...window, answered: true, httpStatus: 502 }, deadline)).toEqual({ result: 'absent', definitive: true });
  });

  it('"not available" after an uncertain attempt is our own registration, even before the portfolio shows it', async () => {
    const { keyedPurchases } = keyed([]);
    const domain = parsed('domain', { domain: 'lag.com', item_id: 'x' });
    await keyedPurchases.prepare('a', domain);
    expect(await keyedPurchases.reconcile('a', domain, window, deadline, { uncertain: true, domainTaken: true })).toEqual({
      result: 'found',
      key: 'domain:lag.com',
      bought: { domain: { domain: 'lag.com', status: null } },
    });
  });

  it('a VPS or domain that bought something keeps its key; a renewal frees it when it ends', async () => {
    const { keyedPurchases, keys } = keyed([]);
    const domain = parsed('domain', { domain: 'kept.com', item_id: 'x' });
    await keyedPurchases.prepare('a', domain);
    await keyedPurchases.release('a', domain, 'succeeded', new Date(0));
    expect(keys.holds.get('domain:kept.com')?.releasedAt).toBeUndefined();
  });
});

describe('scheduled plans with every kind', () => {
  const plan = [
    'schedule: rate(1 day)',
    'payment_method_id: 1327363',
    'orders:',
    '  - items: [{ item_id: hostingercom-vps-kvm2-usd-1m }]',
    '  - kind: vps',
    '    item_id: hostingercom-vps-kvm1-usd-1m',
    '    setup: { template_id: 1130, data_center_id: 17 }',
    '  - kind: domain',
    '    domain: plan-site.com',
    '    item_id: hostingercom-domain-com-usd-1y',
    '  - kind: renewal',
    '    subscription_id: Azz353Uhl1xC54pR0',
    '    payment_method_id: 1327362',
  ].join('\n');

  it('a plan mixes kinds; each run message carries its kind and the plan payment method where it names none', () => {
    const runs = runMessages('mixed', parsePlan('mixed.yaml', plan), '2026-12-01T03:00:00Z');
    expect(runs.messages.map((message) => [message.kind ?? 'order', message.payment_method_id])).toEqual([
      ['order', 1327363],
      ['vps', 1327363],
      ['domain', 1327363],
      ['renewal', 1327362],
    ]);
    for (const message of runs.messages) expect(parsePurchaseMessage(message).ok).toBe(true);
  });

  it("a plan entry's errors name its line and its kind's field", () => {
    const bad = plan.replace('data_center_id: 17', 'data_center_id: "x"').replace('kind: renewal', 'kind: boat');
    expect(() => parsePlan('mixed.yaml', bad)).toThrow(
      /mixed\.yaml:7: orders\.1\.setup\.data_center_id must be an integer\nmixed\.yaml:\d+: orders\.3\.kind must be one of order, vps, domain, renewal/,
    );
  });
});

describe('reconcileByKind', () => {
  const window = { startedAt: 0, endedAt: 0, answered: false };
  const deadline = { remainingMs: () => 60_000 };
  const subscription = { id: 'sub-domain', created_at: '2026-11-30T00:00:00Z' };
  it("a domain found in the portfolio also gets its registration's subscription when the generic reconciliation can tell", async () => {
    const generic = vi.fn(async () => ({ result: 'found' as const, subscription }));
    const keyed = { reconcile: async () => ({ result: 'found' as const, key: 'domain:a-b.com', bought: { domain: { domain: 'a-b.com', status: 'active' } } }) };
    const domain = parsed('domain', { domain: 'a-b.com', item_id: 'hostingercom-domain-com-usd-1y' });
    expect(await reconcileByKind(generic, keyed)('r', domain, window, deadline)).toMatchObject({ result: 'found', key: 'domain:a-b.com', subscription });
    expect(generic).toHaveBeenCalledWith('r', { items: [{ item_id: 'hostingercom-domain-com-usd-1y', quantity: 1 }] }, window, deadline, undefined);
    // Nothing found by the key: the generic reconciliation is not asked.
    generic.mockClear();
    const absent = { reconcile: async () => ({ result: 'absent' as const, definitive: true }) };
    expect(await reconcileByKind(generic, absent)('r', domain, window, deadline)).toEqual({ result: 'absent', definitive: true });
    expect(generic).not.toHaveBeenCalled();
  });
});
