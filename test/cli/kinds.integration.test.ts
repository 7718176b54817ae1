import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEndpoints } from '../../lib/cli/context.ts';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';
import { cli, endpointsOf } from './support.ts';

/** The CLI with files that mix purchase kinds: a dry run checks each against Hostinger; a submit buys each once. */
let t: TestStack;
let local: LocalEndpoints;
let dir: string;
let subscriptionId: string;

beforeAll(async () => {
  t = await startTestStack();
  local = endpointsOf(t.stack.resources);
  dir = mkdtempSync(join(tmpdir(), 'hostinger-orders-kinds-'));
  // A subscription to renew (Premium Web Hosting, 1 month: renews at 11.99 USD).
  const response = await fetch(`${t.stack.apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ item_id: 'hostingercom-hosting-premium-usd-1m' }] }),
  });
  const { requestId } = (await response.json()) as { requestId: string };
  subscriptionId = (await t.waitForOutcome(requestId)).order?.subscription_id ?? '';
});
afterAll(async () => {
  await t?.stop();
});

const stamp = Date.now().toString(36);
const lines = (entries: object[]) => entries.map((entry) => JSON.stringify(entry)).join('\n');
const vps = (setup: object) => ({ kind: 'vps', item_id: 'hostingercom-vps-kvm1-usd-1m', payment_method_id: 1327363, setup: { template_id: 1130, data_center_id: 17, ...setup } });

describe('a file mixing orders, VPS, domains and renewals', () => {
  it('--dry-run checks each kind (template, data centre, availability, subscription) and totals per currency; nothing is bought', async () => {
    writeFileSync(
      join(dir, 'mixed-dry.jsonl'),
      lines([
        { items: [{ item_id: 'hostingercom-domain-com-eur-1y' }] },
        vps({ hostname: `dry-${stamp}.example.tld` }),
        { kind: 'domain', domain: `dry-${stamp}.com`, item_id: 'hostingercom-domain-com-usd-1y' },
        { kind: 'renewal', subscription_id: subscriptionId },
        vps({ template_id: 9, data_center_id: 99 }),
        { kind: 'domain', domain: 'taken-already.com', item_id: 'hostingercom-domain-com-usd-1y' },
        { kind: 'renewal', subscription_id: 'NoSuchSubscription1' },
      ]),
    );
    const bought = t.stack.sandbox?.orders().length;
    const run = await cli(['submit', 'mixed-dry.jsonl', '--dry-run'], { cwd: dir, local });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/mixed-dry\.jsonl:5: setup\.template_id 9 is not a VPS template .*; setup\.data_center_id 99 is not a data centre/);
    expect(run.stdout).toContain('mixed-dry.jsonl:6: domain taken-already.com is not available for registration');
    expect(run.stdout).toContain('mixed-dry.jsonl:7: subscription_id NoSuchSubscription1 is not a subscription of this account');
    // 6.49 (KVM 1) + 9.99 (.COM) + 11.99 (the renewal) USD; 8.99 EUR (.COM in euros).
    expect(run.stdout).toMatch(/total +8\.99 EUR\n +28\.47 USD\n/);
    expect(run.stdout).toMatch(new RegExp(`renewal:${subscriptionId} +renewal of Premium Web Hosting +renewal +1 +11\\.99 USD`));
    expect(t.stack.sandbox?.orders().length).toBe(bought);
  });

  it('submit buys each kind once; sent again, nothing more is bought', async () => {
    const hostname = `cli-${stamp}.example.tld`;
    const domain = `cli-${stamp}.com`;
    writeFileSync(
      join(dir, 'mixed.jsonl'),
      lines([
        { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }], payment_method_id: 1327363 },
        vps({ hostname }),
        { kind: 'domain', domain, item_id: 'hostingercom-domain-com-usd-1y' },
        { kind: 'renewal', subscription_id: subscriptionId },
      ]),
    );
    const run = await cli(['submit', 'mixed.jsonl', '--batch', `mixed-${stamp}`], { cwd: dir, local });
    expect(run.code, run.stderr).toBe(0);
    const outcomes = await waitUntil(
      () => {
        const found = t.outcomes.filter((outcome) => outcome.requestId.startsWith(`mixed-${stamp}:`));
        return found.length >= 4 ? found : undefined;
      },
      20_000,
      'the four outcomes',
    );
    expect(outcomes.map((outcome) => `${outcome.kind} ${outcome.status}`).sort()).toEqual(['domain succeeded', 'order succeeded', 'renewal succeeded', 'vps succeeded']);
    const again = await cli(['submit', 'mixed.jsonl', '--batch', `mixed-${stamp}`], { cwd: dir, local });
    expect(again.code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(t.stack.sandbox?.virtualMachines().filter((vm) => vm.hostname === hostname)).toHaveLength(1);
    expect(t.stack.sandbox?.domains().filter((registered) => registered.domain === domain)).toHaveLength(1);
    expect(t.stack.sandbox?.orders().filter((record) => record.renews === subscriptionId)).toHaveLength(1);
  });
});
