import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

/** A scheduled plan fired twice for one scheduled time buys each order once and reports the run. */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const fire = async (plan: string, time: string) => {
  const response = await fetch(`${t.stack.apiUrl}/_local/batches/${plan}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ time }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

describe('scheduled batch runs', () => {
  it('buys each order of a plan once even when fired twice, and publishes batch.enqueued then batch.completed', async () => {
    const time = '2026-12-01T03:00:00Z';
    const [first, second] = [await fire('staging-fleet', time), await fire('staging-fleet', time)];
    expect(first).toMatchObject({ status: 202, json: { type: 'batch.enqueued', run: `staging-fleet:${time}`, size: 3 } });
    expect(second.json.outcomeId).toBe(first.json.outcomeId);

    const completed = await waitUntil(() => t.batchEvents.find((e) => e.type === 'batch.completed'), 15_000, 'batch.completed');
    expect(completed).toMatchObject({ run: `staging-fleet:${time}`, size: 3, counts: { succeeded: 3, failed: 0, unknown: 0 } });
    expect(Object.keys(completed.type === 'batch.completed' ? completed.totals : {})).toEqual(['USD']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Three orders in the plan, fired twice: three purchases, three outcomes.
    const runOrders = t.outcomes.filter((o) => o.requestId.startsWith(`batch:staging-fleet:${time}:`));
    expect(new Set(runOrders.map((o) => o.requestId)).size).toBe(3);
    expect(t.stack.sandbox?.orders().filter((o) => o.coupons.includes('FLEET'))).toHaveLength(1);
    expect(t.stack.sandbox?.orders()).toHaveLength(3);
    // Repeats of the summary are possible (the second firing's messages finish too), always with one outcomeId.
    expect(new Set(t.batchEvents.filter((e) => e.type === 'batch.completed').map((e) => e.outcomeId)).size).toBe(1);
  });

  it('a different scheduled time is a new run', async () => {
    const { json } = await fire('staging-fleet', '2026-12-02T03:00:00Z');
    expect(json.run).toBe('staging-fleet:2026-12-02T03:00:00Z');
  });

  it('an unknown plan is refused', async () => {
    const { status, json } = await fire('no-such-plan', '2026-12-01T03:00:00Z');
    expect(status).toBe(404);
    expect(json.message).toMatch(/no batch plan named no-such-plan/);
  });
});
