import { describe, expect, it } from 'vitest';
import { parsePlan, planNameOf } from '../../lib/scheduled/plan.ts';
import { loadAllPlans } from '../../lib/scheduled/plan-files.ts';
import { runMessages } from '../../lib/scheduled/plan-run.ts';
import { scheduleProblem } from '../../lib/scheduled/plan-schema.ts';

const good = `schedule: rate(1 day)
payment_method_id: 1327363
orders:
  - items:
      - item_id: hostingercom-vps-kvm2-usd-1m
        quantity: 2
  - items: [{ item_id: hostingercom-domain-com-usd-1y }]
    payment_method_id: 1327362
`;

describe('batch plans', () => {
  it('every plan in batches/ is valid (a bad plan fails npm test)', async () => {
    const plans = await loadAllPlans('batches');
    expect(plans.length).toBeGreaterThan(0);
  });

  it('reads YAML and JSON alike, with defaults', () => {
    const plan = parsePlan('a.yaml', good);
    expect(plan).toMatchObject({ schedule: 'rate(1 day)', enabled: true, orders: [{ items: [{ quantity: 2 }] }, { items: [{ quantity: 1 }] }] });
    expect(parsePlan('a.json', JSON.stringify({ schedule: 'rate(2 hours)', orders: [{ items: [{ item_id: 'x' }] }] })).enabled).toBe(true);
  });

  it.each([
    ['an unknown field', good.replace('payment_method_id: 1327363', 'payment_method: 1327363'), /a\.yaml:2: payment_method is not a known field/],
    ['a bad quantity', good.replace('quantity: 2', 'quantity: 0'), /a\.yaml:6: orders\.0\.items\.0\.quantity must be at least 1/],
    ['a bad schedule', good.replace('rate(1 day)', 'every day'), /a\.yaml:1: schedule must be a rate\(\.\.\.\) or cron\(\.\.\.\)/],
    ['broken YAML', good.replace('  - items: [{', '  - items: [{{'), /a\.yaml:7:/],
    ['no orders', 'schedule: rate(1 day)\norders: []\n', /a\.yaml:2: orders must contain at least one order/],
  ])('names the file and the line for %s', (_name, text, message) => {
    expect(() => parsePlan('a.yaml', text)).toThrow(message);
  });

  it.each([
    ['rate(1 day)', undefined],
    ['rate(5 minutes)', undefined],
    ['rate(1 days)', 'must be like'],
    ['rate(0 minutes)', 'must be like'],
    ['cron(0 3 1 * ? *)', undefined],
    ['cron(0 3 * * MON-FRI *)', 'exactly one'],
    ['cron(0 3 1 * ?)', '6 fields'],
  ])('schedule %s', (expression, problem) => {
    const found = scheduleProblem(expression);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it('refuses file names that cannot name a plan', () => {
    expect(planNameOf('batches/fleet-renewal.yaml')).toBe('fleet-renewal');
    expect(() => planNameOf('batches/fleet renewal.yaml')).toThrow(/file name/);
  });

  it('derives request ids from plan, scheduled time and position, so a repeat firing queues the same ids', () => {
    const plan = parsePlan('a.yaml', good);
    const first = runMessages('fleet', plan, '2026-12-01T03:00:00Z');
    const again = runMessages('fleet', plan, '2026-12-01T03:00:00Z');
    expect(first).toEqual(again);
    expect(first.messages.map((m) => m.requestId)).toEqual(['batch:fleet:2026-12-01T03:00:00Z:1', 'batch:fleet:2026-12-01T03:00:00Z:2']);
    expect(first.messages[0]).toMatchObject({ payment_method_id: 1327363, batchRun: { run: 'fleet:2026-12-01T03:00:00Z', size: 2 } });
    expect(first.messages[1]?.payment_method_id).toBe(1327362);
    expect(runMessages('fleet', plan, '2026-12-02T03:00:00Z').messages[0]?.requestId).not.toBe(first.messages[0]?.requestId);
  });
});

describe('compiled plans', () => {
  it('compiles every plan to JSON that the scheduled function reads back without a YAML parser', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { compilePlans } = await import('../../lib/scheduled/plan-files.ts');
    const { loadCompiledPlan } = await import('../../lib/scheduled/compiled-plans.ts');
    const out = await mkdtemp(join(tmpdir(), 'plans-'));
    try {
      const plans = await compilePlans('batches', out);
      for (const { name, plan } of plans) expect(await loadCompiledPlan(out, name)).toEqual(plan);
      await expect(loadCompiledPlan(out, 'missing')).rejects.toThrow(/no batch plan named missing/);
      await expect(loadCompiledPlan(out, '../etc')).rejects.toThrow(/not a plan name/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});

describe('plan orders follow the order request rules', () => {
  it.each([
    [
      'a coupon with characters orders refuse',
      good.replace('items: [{ item_id: hostingercom-domain-com-usd-1y }]', "items: [{ item_id: hostingercom-domain-com-usd-1y }]\n    coupons: ['SAVE!10']"),
      /coupons\.0 may contain only/,
    ],
    ['a payment method id beyond 2^31-1', good.replace('payment_method_id: 1327362', 'payment_method_id: 3000000000'), /orders\.1\.payment_method_id is too large/],
  ])('refuses %s, which the queue would reject', (_name, text, message) => {
    expect(() => parsePlan('a.yaml', text)).toThrow(message);
  });
});
