import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFollowUps } from '../../lib/follow-up/follow-up-run.ts';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

/**
 * The follow-up under overlapping runs (a run that outlasts its schedule's minute) whose own DynamoDB, SNS
 * and budget calls lose their replies: one final outcome, one resolution, one release. The runs are the real
 * follow-up (lib/follow-up/wiring.ts) over the local stack; the stack's own timer stays out of the way.
 */
const KVM2 = 'hostingercom-vps-kvm2-usd-1m';
const CARD_NEEDING_3DS = 1327364;
const CARD = 1327362;
const PAYPAL = 1327363;

let t: TestStack;
let run: () => Promise<unknown>;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'follow-up-races-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ currencies: { USD: { daily: 5_000 } } }));
  t = await startTestStack({
    followUpIntervalMs: 3_600_000,
    functionEnv: { SPENDING_POLICY_FILE: join(dir, 'policy.json'), FOLLOW_UP_FIRST_LOOK_SECONDS: '1', PENDING_PAYMENT_TIMEOUT_SECONDS: '600', UNKNOWN_FOLLOW_UP_SECONDS: '2' },
  });
  // Imported once the stack has set the functions' environment, as the function would read it.
  const [{ createFollowUpDependencies }, { followUpConfig }] = await Promise.all([import('../../lib/follow-up/wiring.ts'), import('../../lib/platform/config.ts')]);
  const deps = createFollowUpDependencies(followUpConfig());
  run = () => runFollowUps(deps({ getRemainingTimeInMillis: () => 50_000 }));
});
afterAll(async () => {
  await t?.stop();
});

const finalsOf = (requestId: string) => t.outcomes.filter((outcome) => outcome.requestId === requestId && outcome.type !== 'order.pending');
const usedToday = async (): Promise<number> => {
  const { budgets } = (await (await fetch(`${t.stack.apiUrl}/budget`)).json()) as { budgets: { window: string; used: number }[] };
  return budgets.find((budget) => budget.window === 'daily')?.used ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('overlapping follow-up runs with lost replies', () => {
  it('end a paid pending payment with one final outcome', async () => {
    const { json } = await t.postOrder({ payment_method_id: CARD_NEEDING_3DS, items: [{ item_id: KVM2 }], coupons: ['R-PAID'] });
    const requestId = json.requestId as string;
    const interim = await t.waitForOutcome(requestId);
    expect(interim.type).toBe('order.pending');
    await fetch(`${t.stack.sandbox?.url}/__sandbox/payments`, { method: 'POST', body: JSON.stringify({ orderId: interim.order?.id }) });
    await sleep(1_200);

    t.stack.aws.faults.loseNextReplies('dynamodb.UpdateItem', { match: requestId, times: 2 });
    t.stack.aws.faults.loseNextReplies('sns.PublishBatch', { match: requestId });
    // Its message delivered again meanwhile (a duplicate send): the worker publishes what is recorded, buys nothing.
    const again = t.sendMessage(JSON.stringify({ requestId, payment_method_id: CARD_NEEDING_3DS, items: [{ item_id: KVM2 }], coupons: ['R-PAID'] }));
    await Promise.all([run(), run(), again]);
    await run();
    await waitUntil(() => (finalsOf(requestId).length > 0 ? true : undefined), 5_000, 'the final outcome');
    await sleep(500);
    expect(new Set(finalsOf(requestId).map((outcome) => `${outcome.outcomeId} ${outcome.type}`))).toEqual(new Set([`final:${requestId} order.succeeded`]));
    expect((await t.getOrder(requestId)).json).toMatchObject({ status: 'succeeded' });
    expect((await t.getOrder(requestId)).json.followedUntil).toBeUndefined();
    expect(t.stack.sandbox?.orders().filter((o) => o.coupons.includes('R-PAID'))).toHaveLength(1);
    expect(t.stack.aws.faults.lostReplies()['dynamodb.UpdateItem']).toBeGreaterThanOrEqual(2);
    expect(t.stack.aws.faults.lostReplies()['sns.PublishBatch']).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('resolve an unknown once, and give its budget back exactly once', async () => {
    const before = await usedToday();
    // 8.99 USD bought and kept.
    const kept = await t.postOrder({ payment_method_id: CARD, items: [{ item_id: KVM2 }], coupons: ['R-KEPT'] });
    expect(await t.waitForOutcome(kept.json.requestId as string)).toMatchObject({ status: 'succeeded' });
    // 8.99 USD reserved by an unknown on PayPal (the connection reset before any order was made).
    t.stack.sandbox?.addFaults([{ fault: 'reset', match: { coupon: 'R-UNKNOWN' } }]);
    const { json } = await t.postOrder({ payment_method_id: PAYPAL, items: [{ item_id: KVM2 }], coupons: ['R-UNKNOWN'] });
    const requestId = json.requestId as string;
    expect(await t.waitForOutcome(requestId, 30_000)).toMatchObject({ status: 'unknown' });
    expect(await usedToday()).toBe(before + 2 * 899);
    await sleep(2_500);

    t.stack.aws.faults.loseNextReplies('dynamodb.UpdateItem', { match: requestId });
    t.stack.aws.faults.loseNextReplies('dynamodb.PutItem', { match: 'budget#USD' });
    await Promise.all([run(), run()]);
    await run();
    const resolutions = t.resolutions.filter((resolution) => resolution.requestId === requestId);
    expect(new Set(resolutions.map((resolution) => `${resolution.outcomeId} ${resolution.resolution.result}`))).toEqual(new Set([`resolved:${requestId} not_bought`]));
    // Given back once: the order that was bought still counts.
    expect(await usedToday()).toBe(before + 899);
    expect(t.stack.aws.faults.lostReplies()['dynamodb.PutItem']).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
