import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

/** Approvals whose own DynamoDB calls lose their replies (the call is applied, the reply lost, the SDK retries). */
const POLICY = { currencies: { EUR: { approvalAbove: 1_000 } } };
const ALICE = 'arn:aws:iam::000000000000:user/alice';
const BOB = 'arn:aws:iam::000000000000:user/bob';
const KVM2_EUR = 'hostingercom-vps-kvm2-eur-1m';

let t: TestStack;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'approval-lost-'));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(POLICY));
  t = await startTestStack({ functionEnv: { SPENDING_POLICY_FILE: join(dir, 'policy.json') } });
});
afterAll(async () => {
  await t?.stop();
});

const held = (coupon: string) => ({ payment_method_id: 1327362, items: [{ item_id: KVM2_EUR, quantity: 2 }], coupons: [coupon] });
const decide = async (requestId: string, action: 'approve' | 'deny', caller: string) => {
  const response = await fetch(`${t.stack.apiUrl}/orders/${requestId}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-local-caller': caller, 'x-local-scopes': 'orders/approve' },
    body: JSON.stringify({ reason: 'fine' }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

describe('an approval whose write reply was lost', () => {
  it('is recognised as the approver’s own: answered 200 and the order is bought at once', async () => {
    const posted = await t.postOrder(held('AL-APPROVE'), { 'x-local-caller': ALICE });
    const requestId = posted.json.requestId as string;
    await waitUntil(() => t.approvalEvents.find((e) => e.requestId === requestId), 15_000, 'the approval event');
    t.stack.aws.faults.loseNextReplies('dynamodb.UpdateItem', { match: requestId });
    const approved = await decide(requestId, 'approve', BOB);
    expect(t.stack.aws.faults.lostReplies()['dynamodb.UpdateItem']).toBeGreaterThanOrEqual(1);
    expect(approved).toMatchObject({ status: 200, json: { status: 'queued', approval: { decision: 'approved', by: BOB } } });
    // Queued by the decision itself, not a minute later by the sweep.
    await expect(t.waitForOutcome(requestId, 15_000)).resolves.toMatchObject({ status: 'succeeded', approval: { decision: 'approved', by: BOB } });
    expect(t.ordersWithCoupon('AL-APPROVE')).toHaveLength(1);
  }, 40_000);
});
