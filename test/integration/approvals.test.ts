import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

/** Approvals end to end on the local stack: held orders, separate permission, who decided, redelivery, expiry. */
const POLICY = { currencies: { EUR: { approvalAbove: 1_000 } } };
const ALICE = 'arn:aws:iam::000000000000:user/alice';
const BOB = 'arn:aws:iam::000000000000:user/bob';
const APPROVER = { 'x-local-scopes': 'orders/approve' };
const KVM2_EUR = 'hostingercom-vps-kvm2-eur-1m';

let t: TestStack;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'approvals-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
  t = await startTestStack({ functionEnv: { SPENDING_POLICY_FILE: join(dir, 'policy.json') }, approvalExpiryIntervalMs: 200 });
});
afterAll(async () => {
  await t?.stop();
});

const held = (coupon: string) => ({ payment_method_id: 1327362, items: [{ item_id: KVM2_EUR, quantity: 2 }], coupons: [coupon] });
const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) => {
  const response = await fetch(`${t.stack.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};
const waitForApprovalEvent = (requestId: string) => waitUntil(() => t.approvalEvents.find((e) => e.requestId === requestId), 15_000, `order.awaiting_approval for ${requestId}`);

describe('orders above the approval threshold', () => {
  it('wait, are never bought unapproved, and are bought once approved by someone else with the approver permission', async () => {
    const posted = await t.postOrder(held('APPROVE-1'), { 'x-local-caller': ALICE });
    const requestId = posted.json.requestId as string;
    const event = await waitForApprovalEvent(requestId);
    expect(event).toMatchObject({
      type: 'order.awaiting_approval',
      totals: { EUR: 1698 },
      reasons: ['currencies.EUR.approvalAbove: the order costs 16.98 EUR, more than 10.00 EUR'],
      owner: ALICE,
    });
    expect(Date.parse(event.expiresAt) - Date.parse(event.at)).toBe(24 * 3_600_000);
    expect((await call('GET', `/orders/${requestId}`, { 'x-local-caller': ALICE })).json).toMatchObject({
      status: 'awaiting_approval',
      totals: { EUR: 1698 },
      approval: { decision: 'awaiting' },
    });
    // Another caller does not see it; nobody approves their own order; approving needs the permission.
    expect((await call('GET', `/orders/${requestId}`, { 'x-local-caller': BOB })).status).toBe(404);
    expect((await call('POST', `/orders/${requestId}/approve`, { 'x-local-caller': ALICE, ...APPROVER })).status).toBe(403);
    expect((await call('POST', `/orders/${requestId}/approve`, { 'x-local-caller': BOB })).status).toBe(403);

    // A redelivered message while it waits publishes the event again and buys nothing.
    await t.sendMessage(JSON.stringify({ requestId, ...held('APPROVE-1') }));
    await waitUntil(() => (t.approvalEvents.filter((e) => e.requestId === requestId).length >= 2 ? true : undefined), 15_000, 'the event again');
    expect(t.ordersWithCoupon('APPROVE-1')).toHaveLength(0);

    const approved = await call('POST', `/orders/${requestId}/approve`, { 'x-local-caller': BOB, ...APPROVER }, { reason: 'budgeted in Q4' });
    expect(approved).toMatchObject({ status: 200, json: { requestId, status: 'queued', approval: { decision: 'approved', by: BOB, reason: 'budgeted in Q4' } } });
    const outcome = await t.waitForOutcome(requestId);
    expect(outcome).toMatchObject({ status: 'succeeded', totals: { EUR: 1698 }, approval: { decision: 'approved', by: BOB } });
    expect(t.ordersWithCoupon('APPROVE-1')).toHaveLength(1);
    // Subscribers and GET get the order's id, status and totals, not the billing address (personal data).
    expect(t.ordersWithCoupon('APPROVE-1')[0]?.order.billing_address).toBeDefined();
    expect(outcome.order).toMatchObject({ id: expect.any(Number), status: 'completed', total: expect.any(Number) });
    expect(outcome.order).not.toHaveProperty('billing_address');
    const view = await call('GET', `/orders/${requestId}`, { 'x-local-caller': ALICE });
    expect(view.json).toMatchObject({ status: 'succeeded', totals: { EUR: 1698 }, approval: { decision: 'approved', by: BOB } });
    expect(view.json.order).not.toHaveProperty('billing_address');
    // Deciding again: the same decision is a replay; another one is refused.
    expect((await call('POST', `/orders/${requestId}/approve`, { 'x-local-caller': BOB, ...APPROVER })).status).toBe(200);
    expect((await call('POST', `/orders/${requestId}/deny`, { 'x-local-caller': BOB, ...APPROVER })).status).toBe(409);
    // Redelivering the original message after it was bought buys nothing more.
    await t.sendMessage(JSON.stringify({ requestId, ...held('APPROVE-1') }));
    await waitUntil(() => (t.outcomes.filter((o) => o.requestId === requestId).length >= 2 ? true : undefined), 15_000, 'the outcome again');
    expect(t.ordersWithCoupon('APPROVE-1')).toHaveLength(1);
  });

  it('a denied order ends order.rejected naming who denied it, never sent', async () => {
    const posted = await t.postOrder(held('DENY-1'), { 'x-local-caller': ALICE });
    const requestId = posted.json.requestId as string;
    await waitForApprovalEvent(requestId);
    // Denying one's own order is allowed.
    expect((await call('POST', `/orders/${requestId}/deny`, { 'x-local-caller': ALICE, ...APPROVER })).status).toBe(200);
    const outcome = await t.waitForOutcome(requestId);
    expect(outcome).toMatchObject({
      status: 'rejected',
      attempts: 0,
      error: { code: 'approval_denied', message: expect.stringContaining(`denied by ${ALICE}`) },
      approval: { decision: 'denied' },
    });
    expect(t.ordersWithCoupon('DENY-1')).toHaveLength(0);
  });

  it('an order nobody decides on ends order.rejected when its wait runs out', async () => {
    const requestId = 'approval-expiry-1';
    await t.sendMessage(JSON.stringify({ requestId, ...held('EXPIRE-1') }));
    await waitForApprovalEvent(requestId);
    // As if the 24 hours had passed: the wait's end moved to the past.
    await t.stack.clients.dynamodb.send(
      new UpdateItemCommand({
        TableName: t.stack.resources.tableName,
        Key: { pk: { S: requestId } },
        UpdateExpression: 'SET approvalExpiresAt = :past',
        ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1000) } },
      }),
    );
    const outcome = await t.waitForOutcome(requestId);
    expect(outcome).toMatchObject({ status: 'rejected', error: { code: 'approval_expired' }, approval: { decision: 'expired' } });
    expect(t.ordersWithCoupon('EXPIRE-1')).toHaveLength(0);
  });
});

describe('the CLI', () => {
  it('approves and denies held orders as a given caller, and shows the budgets', async () => {
    const { cli } = await import('../cli/support.ts');
    const env = { ORDER_API_URL: t.stack.apiUrl };
    const first = (await t.postOrder(held('CLI-APPROVE'), { 'x-local-caller': ALICE })).json.requestId as string;
    const second = (await t.postOrder(held('CLI-DENY'), { 'x-local-caller': ALICE })).json.requestId as string;
    await Promise.all([waitForApprovalEvent(first), waitForApprovalEvent(second)]);

    const own = await cli(['approve', first, '--as', ALICE], { cwd: process.cwd(), env });
    expect(own.code).toBe(1);
    expect(own.stderr).toContain('403 nobody approves their own order');
    const approved = await cli(['approve', first, '--as', BOB, '--reason', 'ok'], { cwd: process.cwd(), env });
    expect(approved).toMatchObject({ code: 0, stdout: expect.stringContaining(`${first} approved by ${BOB}`) });
    const denied = await cli(['deny', second, '--as', BOB], { cwd: process.cwd(), env });
    expect(denied).toMatchObject({ code: 0, stdout: expect.stringContaining(`${second} denied by ${BOB}`) });
    expect(await t.waitForOutcome(first)).toMatchObject({ status: 'succeeded', approval: { by: BOB, reason: 'ok' } });
    expect(await t.waitForOutcome(second)).toMatchObject({ status: 'rejected', error: { code: 'approval_denied' } });

    const budget = await cli(['budget'], { cwd: process.cwd(), env });
    expect(budget).toMatchObject({ code: 0, stdout: 'the spending policy sets no budget (spending-policy.json)\n' });
  });
});
