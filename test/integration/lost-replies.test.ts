import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * Lost replies from our own AWS calls: the call takes effect, its reply is lost (the router resets the
 * connection after the emulator applied it), and the SDK's own retry meets the write it already made.
 */
const KVM1 = 'hostingercom-vps-kvm1-usd-1m';
let t: TestStack;

const order = (coupon: string) => ({ items: [{ item_id: KVM1, quantity: 1 }], coupons: [coupon] });

beforeAll(async () => {
  t = await startTestStack({
    // A sweep every second, for records queued more than a second ago without their message known to be sent.
    sweepIntervalMs: 1000,
    functionEnv: { SWEEP_QUEUED_AFTER_SECONDS: '1' },
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('the intake', () => {
  it('recognises its own record when the PutItem reply was lost, and queues the order', async () => {
    t.stack.aws.faults.loseNextReplies('dynamodb.PutItem', { match: 'L-PUT' });
    const posted = await t.postOrder(order('L-PUT'));
    expect(posted.status).toBe(202);
    // Not a replay: this is the first time this request was seen.
    expect(posted.headers.get('idempotent-replayed')).toBeNull();
    const requestId = String(posted.json.requestId);
    await expect(t.waitForOutcome(requestId, 20_000)).resolves.toMatchObject({ type: 'order.succeeded' });
    expect(t.ordersWithCoupon('L-PUT')).toHaveLength(1);
    expect(t.stack.aws.faults.lostReplies()['dynamodb.PutItem']).toBeGreaterThanOrEqual(1);
  });

  it('never says "nothing was queued" when SendMessage took effect: the order is bought once, and a client that follows the answer never buys twice', async () => {
    // Every SDK attempt's SendMessage is applied and its reply lost: three messages queued, the SDK gives up.
    t.stack.aws.faults.loseNextReplies('sqs.SendMessage', { match: 'L-SEND', times: 3 });
    const posted = await t.postOrder(order('L-SEND'));
    expect(JSON.stringify(posted.json)).not.toMatch(/nothing was queued|sending again is safe/i);
    const requestId = String(posted.json.requestId);
    expect(requestId).toMatch(/.+/);
    if (posted.status !== 202) {
      // What a 503 tells the caller to do: look the request up before sending it again.
      expect(posted.status).toBe(503);
      const looked = await t.getOrder(requestId);
      if (looked.status === 404) await t.postOrder(order('L-SEND'));
    }
    await expect(t.waitForOutcome(requestId, 20_000)).resolves.toMatchObject({ type: 'order.succeeded' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(t.ordersWithCoupon('L-SEND')).toHaveLength(1);
  });

  it('every request answered 202 reaches an outcome, even when its message could not be queued at all', async () => {
    t.stack.aws.faults.setFailureRate('sqs.SendMessage', 1);
    let posted;
    try {
      posted = await t.postOrder(order('L-NOQUEUE'));
    } finally {
      t.stack.aws.faults.setFailureRate('sqs.SendMessage', 0);
    }
    expect(posted.status).toBe(202);
    const requestId = String(posted.json.requestId);
    expect((await t.getOrder(requestId)).json).toMatchObject({ status: 'queued' });
    // The sweep finds the record queued without a message and queues it.
    await expect(t.waitForOutcome(requestId, 20_000)).resolves.toMatchObject({ type: 'order.succeeded' });
    expect(t.ordersWithCoupon('L-NOQUEUE')).toHaveLength(1);
  });

  it('a 503 gives the request id to check, and does not promise what is not known', async () => {
    // Every attempt of the PutItem fails before it reaches the table: nothing recorded.
    t.stack.aws.faults.setFailureRate('dynamodb.PutItem', 1);
    let posted;
    try {
      posted = await t.postOrder(order('L-DOWN'), { 'idempotency-key': 'l-down-1' });
    } finally {
      t.stack.aws.faults.setFailureRate('dynamodb.PutItem', 0);
    }
    expect(posted.status).toBe(503);
    expect(posted.json).toMatchObject({ requestId: expect.any(String), message: expect.stringMatching(/GET \/orders\//) });
    expect(JSON.stringify(posted.json)).not.toMatch(/nothing was queued/i);
  });
});

describe('the worker', () => {
  it('recognises its own claim when the UpdateItem reply was lost, and buys the order instead of ending unknown', async () => {
    t.stack.aws.faults.loseNextReplies('dynamodb.UpdateItem', { match: 'L-CLAIM' });
    await t.sendMessage(JSON.stringify({ requestId: 'l-claim', ...order('L-CLAIM') }));
    const outcome = await t.waitForOutcome('l-claim', 30_000);
    expect(outcome).toMatchObject({ type: 'order.succeeded', attempts: 1 });
    expect(outcome.reconciliation).toBeUndefined();
    expect(t.ordersWithCoupon('L-CLAIM')).toHaveLength(1);
  }, 40_000);

  it('a lost reply on the completion is recognised too: one outcome, one order', async () => {
    // The claim's body and the completion's both name the coupon; the second matching UpdateItem is the completion
    // (no other write of this request names it).
    t.stack.aws.faults.loseNextReplies('dynamodb.UpdateItem', { match: '"outcomeId"', times: 1 });
    await t.sendMessage(JSON.stringify({ requestId: 'l-complete', ...order('L-COMPLETE') }));
    const outcome = await t.waitForOutcome('l-complete', 20_000);
    expect(outcome).toMatchObject({ type: 'order.succeeded' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(new Set(t.outcomes.filter((o) => o.requestId === 'l-complete').map((o) => o.outcomeId)).size).toBe(1);
    expect(t.ordersWithCoupon('L-COMPLETE')).toHaveLength(1);
  });
});
