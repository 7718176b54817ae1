import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeQueueToOutcomes } from '../../local/stack.ts';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

const KVM2 = 'hostingercom-vps-kvm2-usd-1m';
const DOMAIN = 'hostingercom-domain-com-usd-1y';
/** PayPal: it never leaves an order awaiting payment, so a 5xx on it is retried after the check. */
const PAYPAL = 1327363;
const order = (coupon: string, extra: Record<string, unknown> = {}) => ({
  payment_method_id: 1327362,
  items: [{ item_id: KVM2, quantity: 1 }],
  coupons: [coupon],
  ...extra,
});

let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('HTTP intake to outcome', () => {
  it('accepts an order, buys it once and publishes order.succeeded', async () => {
    const posted = await t.postOrder(order('T-OK'));
    expect(posted.status).toBe(202);
    expect(posted.json).toEqual({ requestId: expect.any(String), status: 'queued' });
    const requestId = posted.json.requestId as string;

    const outcome = await t.waitForOutcome(requestId);
    expect(outcome).toMatchObject({ version: 1, type: 'order.succeeded', status: 'succeeded', requestId, attempts: 1, error: null });
    expect(outcome.order).toMatchObject({ status: 'completed', currency: 'USD' });
    expect(t.ordersWithCoupon('T-OK')).toHaveLength(1);
    expect(t.ordersWithCoupon('T-OK')[0]?.order.id).toBe(outcome.order?.id);

    const state = await t.getOrder(requestId);
    expect(state.status).toBe(200);
    expect(state.json).toMatchObject({ requestId, status: 'succeeded', attempts: 1, order: { id: outcome.order?.id }, error: null });
    expect(state.json.createdAt).toEqual(expect.any(String));
    expect(state.json.completedAt).toEqual(outcome.completedAt);
  });

  it('retries 500s with backoff on a payment method that cannot leave an order pending, and the attempts show it', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'error500', times: 2, match: { coupon: 'T-RETRY' } }]);
    const { json } = await t.postOrder(order('T-RETRY', { payment_method_id: PAYPAL }));
    const outcome = await t.waitForOutcome(json.requestId as string);
    expect(outcome).toMatchObject({ type: 'order.succeeded', attempts: 3 });
    expect(t.ordersWithCoupon('T-RETRY')).toHaveLength(1);
    expect((await t.getOrder(json.requestId as string)).json).toMatchObject({ status: 'succeeded', attempts: 3 });
  });

  it('gives up after the configured attempts with order.failed and the last error', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'error503', times: -1, match: { coupon: 'T-DOWN' } }]);
    const { json } = await t.postOrder(order('T-DOWN', { payment_method_id: PAYPAL }));
    const outcome = await t.waitForOutcome(json.requestId as string);
    expect(outcome).toMatchObject({ type: 'order.failed', attempts: 4, error: { httpStatus: 503 } });
    expect(t.ordersWithCoupon('T-DOWN')).toHaveLength(0);
  });

  it('a 422 is rejected at once with Hostinger field errors, never retried', async () => {
    const before = t.stack.sandbox?.requestCount() ?? 0;
    // Two currencies in one order: valid for the catalog check, refused by Hostinger.
    const { json } = await t.postOrder({ payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }, { item_id: 'hostingercom-vps-kvm2-eur-1m' }] });
    const outcome = await t.waitForOutcome(json.requestId as string);
    expect(outcome).toMatchObject({ type: 'order.rejected', attempts: 1, order: null, error: { httpStatus: 422, fieldErrors: { items: expect.any(Array) } } });
    expect(outcome.error?.correlationId).toEqual(expect.any(String));
    expect((t.stack.sandbox?.requestCount() ?? 0) - before).toBe(1);
    const state = await t.getOrder(json.requestId as string);
    expect(state.json).toMatchObject({ status: 'rejected', error: { httpStatus: 422, correlationId: outcome.error?.correlationId } });
  });

  it('a card that needs verification ends order.pending', async () => {
    const { json } = await t.postOrder({ payment_method_id: 1327364, items: [{ item_id: DOMAIN }] });
    const outcome = await t.waitForOutcome(json.requestId as string);
    expect(outcome).toMatchObject({ type: 'order.pending', order: { status: 'awaiting_payment' } });
  });

  it('a 202 from Hostinger ends order.pending', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'accepted', match: { coupon: 'T-202' } }]);
    const { json } = await t.postOrder(order('T-202'));
    await expect(t.waitForOutcome(json.requestId as string)).resolves.toMatchObject({ type: 'order.pending' });
  });

  it('a 429 slows every worker down: other orders wait for the Retry-After too', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'rateLimit', retryAfterSeconds: 2, match: { coupon: 'T-429' } }]);
    const limited = await t.postOrder(order('T-429'));
    await waitUntil(() => ((t.stack.sandbox?.requestCount() ?? 0) > 0 && t.ordersWithCoupon('T-429').length === 0 ? true : undefined), 5000, 'the 429');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sentAt = Date.now();
    const other = await t.postOrder(order('T-AFTER-429'));
    await t.waitForOutcome(other.json.requestId as string);
    await t.waitForOutcome(limited.json.requestId as string);
    const received = Date.parse(String(t.ordersWithCoupon('T-AFTER-429')[0]?.receivedAt));
    // The other order reached Hostinger only after the pause (about 1.7 s after it was sent here).
    expect(received - sentAt).toBeGreaterThan(1200);
  });

  it('after a 401 for a rotated token the worker reads the secret again and succeeds', async () => {
    // Warm the worker's token cache with the current token.
    const warm = await t.postOrder(order('T-WARM'));
    await t.waitForOutcome(warm.json.requestId as string);

    const rotated = 'rotated-token-for-test';
    t.stack.sandbox?.setToken(rotated);
    await t.stack.clients.secrets.send(new PutSecretValueCommand({ SecretId: t.stack.resources.secretId, SecretString: rotated }));
    const { json } = await t.postOrder(order('T-ROTATED'));
    const outcome = await t.waitForOutcome(json.requestId as string);
    expect(outcome).toMatchObject({ type: 'order.succeeded', attempts: 2 });
    expect(t.ordersWithCoupon('T-ROTATED')).toHaveLength(1);
  });
});

describe('catalog checks at intake', () => {
  it('refuses an unknown item over HTTP in a 400 naming the nearest valid ids, before any Hostinger order call', async () => {
    const before = t.stack.sandbox?.requestCount() ?? 0;
    const response = await t.postOrder({ items: [{ item_id: 'hostingercom-vps-kvm2-usd-1', quantity: 1 }] });
    expect(response.status).toBe(400);
    expect((response.json.errors as Record<string, string[]>)['items.0.item_id']?.[0]).toMatch(/nearest: hostingercom-vps-kvm2-usd-1m/);
    expect(t.stack.sandbox?.requestCount()).toBe(before);
  });

  it('refuses an expired payment method', async () => {
    const response = await t.postOrder({ payment_method_id: 1327365, items: [{ item_id: KVM2 }] });
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual({ payment_method_id: ['1327365 has expired'] });
  });

  it('rejects an unknown item from the queue as order.rejected, without a Hostinger order call', async () => {
    const before = t.stack.sandbox?.requestCount() ?? 0;
    await t.sendMessage(JSON.stringify({ requestId: 'catalog-queue-1', items: [{ item_id: 'hostingercom-vps-kvm3-usd-1m' }] }));
    const outcome = await t.waitForOutcome('catalog-queue-1');
    expect(outcome).toMatchObject({ type: 'order.rejected', attempts: 0, error: { fieldErrors: { 'items.0.item_id': [expect.stringMatching(/nearest/)] } } });
    expect(t.stack.sandbox?.requestCount()).toBe(before);
  });
});

describe('HTTP API contract', () => {
  it('the same Idempotency-Key and body give the same request id and buy once', async () => {
    const headers = { 'idempotency-key': 'key-same-body' };
    const first = await t.postOrder(order('T-IDEM'), headers);
    const second = await t.postOrder(order('T-IDEM'), headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.json.requestId).toBe(first.json.requestId);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    await t.waitForOutcome(first.json.requestId as string);
    const third = await t.postOrder(order('T-IDEM'), headers);
    expect(third.json).toEqual({ requestId: first.json.requestId, status: 'succeeded' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.ordersWithCoupon('T-IDEM')).toHaveLength(1);
    expect(t.outcomes.filter((o) => o.requestId === first.json.requestId)).toHaveLength(1);
  });

  it('the same Idempotency-Key with a different body is a 409', async () => {
    const headers = { 'idempotency-key': 'key-other-body' };
    await t.postOrder(order('T-IDEM2'), headers);
    const conflict = await t.postOrder(order('T-IDEM2', { payment_method_id: 1327363 }), headers);
    expect(conflict.status).toBe(409);
    expect(conflict.json.message).toMatch(/different order/);
  });

  it('names every bad field in a 400', async () => {
    const response = await t.postOrder({ payment_method_id: 'one', items: [{ item_id: KVM2, quantity: 0 }], extra: true });
    expect(response.status).toBe(400);
    expect(Object.keys(response.json.errors as object).sort()).toEqual(['extra', 'items.0.quantity', 'payment_method_id']);
  });

  it('refuses malformed JSON, a wrong content type and oversized bodies with a 4xx', async () => {
    expect((await t.postOrder('{"items": [')).status).toBe(400);
    const wrongType = await fetch(`${t.stack.apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toEqual({ message: 'Content-Type must be application/json' });
    expect((await t.postOrder(JSON.stringify({ items: [], pad: 'x'.repeat(70_000) }))).status).toBe(413);
    expect((await t.postOrder('')).status).toBe(400);
  });

  it('answers 404 for an unknown request id and an unknown route', async () => {
    expect((await t.getOrder('no-such-request')).status).toBe(404);
    expect((await fetch(`${t.stack.apiUrl}/nothing`)).status).toBe(404);
  });
});

describe('SQS intake', () => {
  it('takes a producer message with its own request id, plain or in an SNS envelope', async () => {
    await t.sendMessage(JSON.stringify({ requestId: 'producer-plain-1', ...order('T-SQS-PLAIN') }));
    const envelope = {
      Type: 'Notification',
      MessageId: 'x',
      TopicArn: 'arn:aws:sns:us-east-1:000000000000:orders',
      Message: JSON.stringify({ requestId: 'producer-sns-1', ...order('T-SQS-SNS') }),
    };
    await t.sendMessage(JSON.stringify(envelope));
    await expect(t.waitForOutcome('producer-plain-1')).resolves.toMatchObject({ type: 'order.succeeded' });
    await expect(t.waitForOutcome('producer-sns-1')).resolves.toMatchObject({ type: 'order.succeeded' });
    expect((await t.getOrder('producer-plain-1')).json).toMatchObject({ status: 'succeeded' });
  });

  it('names a message without a request id after its SQS message id', async () => {
    const messageId = await t.sendMessage(JSON.stringify(order('T-SQS-NOID')));
    await expect(t.waitForOutcome(`sqs-${messageId}`)).resolves.toMatchObject({ type: 'order.succeeded' });
  });

  it('rejects an unreadable or invalid message at once, without calling Hostinger', async () => {
    const before = t.stack.sandbox?.requestCount() ?? 0;
    const garbageId = await t.sendMessage('not json at all');
    await t.sendMessage(JSON.stringify({ requestId: 'producer-invalid-1', items: [{ item_id: KVM2, quantity: -3 }] }));
    await expect(t.waitForOutcome(`sqs-${garbageId}`)).resolves.toMatchObject({ type: 'order.rejected', attempts: 0, error: { fieldErrors: { body: ['is not valid JSON'] } } });
    await expect(t.waitForOutcome('producer-invalid-1')).resolves.toMatchObject({ type: 'order.rejected', error: { fieldErrors: { 'items.0.quantity': expect.any(Array) } } });
    expect(t.stack.sandbox?.requestCount()).toBe(before);
    expect((await t.getOrder('producer-invalid-1')).json).toMatchObject({ status: 'rejected', attempts: 0 });
  });

  it("a message that reuses another order's request id is rejected under its own message id", async () => {
    await t.sendMessage(JSON.stringify({ requestId: 'producer-taken-1', ...order('T-TAKEN') }));
    await t.waitForOutcome('producer-taken-1');
    const messageId = await t.sendMessage(JSON.stringify({ requestId: 'producer-taken-1', ...order('T-TAKEN-OTHER') }));
    await expect(t.waitForOutcome(`sqs-${messageId}`)).resolves.toMatchObject({
      type: 'order.rejected',
      outcomeId: `rejected:${messageId}`,
      error: { message: 'request id producer-taken-1 is already used by a different order' },
    });
    expect(t.outcomes.filter((o) => o.requestId === 'producer-taken-1')).toHaveLength(1);
    expect(t.ordersWithCoupon('T-TAKEN-OTHER')).toHaveLength(0);
  });

  it('reports only the failing message of a batch: the others are not run again', async () => {
    // One order meets a 429 whose Retry-After does not fit in the invocation: it goes back to the queue.
    t.stack.sandbox?.addFaults([{ fault: 'rateLimit', retryAfterSeconds: 3600, times: -1, match: { coupon: 'T-BATCH-SLOW' } }]);
    const bodies = Array.from({ length: 8 }, (_, i) => JSON.stringify({ requestId: `batch-${i}`, ...order(i === 3 ? 'T-BATCH-SLOW' : 'T-BATCH') }));
    await t.sendMessages(bodies);
    for (const i of [0, 1, 2, 4, 5, 6, 7]) await expect(t.waitForOutcome(`batch-${i}`)).resolves.toMatchObject({ type: 'order.succeeded' });
    const deferred = await t.getOrder('batch-3');
    expect(deferred.json).toMatchObject({ status: 'queued', attempts: 1, error: { httpStatus: 429 } });
    // Let the deferred message come back at least once (visibility timeout 4 s): nothing else is bought again.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(t.ordersWithCoupon('T-BATCH')).toHaveLength(7);
    expect(t.outcomes.filter((o) => o.requestId.startsWith('batch-'))).toHaveLength(7);
    t.stack.sandbox?.clearFaults();
    const late = await t.waitForOutcome('batch-3', 10_000);
    expect(late.type).toBe('order.succeeded');
    // One 429 per delivery so far, then the success: the attempt count spans redeliveries.
    expect(late.attempts).toBeGreaterThanOrEqual(2);
  }, 30_000);
});

describe('SNS outcomes', () => {
  it('carries the outcome type as a message attribute that filter policies select on', async () => {
    const rejectedOnly = await subscribeQueueToOutcomes(t.stack, 'only-rejected', { type: ['order.rejected'] });
    const ok = await t.postOrder(order('T-FILTER-OK'));
    const bad = await t.postOrder({ items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }, { item_id: 'hostingercom-vps-kvm2-eur-1m' }] });
    await t.waitForOutcome(ok.json.requestId as string);
    await t.waitForOutcome(bad.json.requestId as string);
    const received = await t.stack.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: rejectedOnly, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
    );
    const bodies = (received.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as { requestId: string; type: string });
    expect(bodies.map((b) => b.requestId)).toEqual([bad.json.requestId]);
    expect(received.Messages?.[0]?.MessageAttributes?.type?.StringValue).toBe('order.rejected');
  });
});
