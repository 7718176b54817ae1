import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * The ledger keeps no secret: a VPS's root password is stored as a marker, and the request's hash is of
 * the order with its password. Every path that queues a request again from its record (the sweep of
 * requests whose message could not be queued, and the queueing of an approved order) sends that redacted
 * order: the worker's claim met a different hash, rejected the message under `sqs-<message id>`, and the
 * request itself, answered 202, never reached an outcome.
 */
const ALICE = 'arn:aws:iam::000000000000:user/alice';
const vps = (password: string) => ({ item_id: 'hostingercom-vps-kvm2-eur-1m', setup: { template_id: 1130, data_center_id: 17, password } });

let t: TestStack;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vps-password-'));
  // VPS purchases in EUR above 1.00 wait for approval; the sweep runs every second.
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ currencies: { EUR: { approvalAbove: 100 } } }));
  t = await startTestStack({
    functionEnv: { SPENDING_POLICY_FILE: join(dir, 'policy.json'), SWEEP_QUEUED_AFTER_SECONDS: '1' },
    sweepIntervalMs: 1000,
    approvalExpiryIntervalMs: 200,
  });
});
afterAll(async () => {
  await t?.stop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) => t.post(path, body, headers);

describe('a VPS with a root password queued again from the ledger', () => {
  it('that would wait for approval, reaches an outcome and is never set up with the marker as its password', async () => {
    const posted = await post('/vps', vps('Correct-Horse-9'), { 'x-local-caller': ALICE });
    expect(posted.status).toBe(202);
    const requestId = String(posted.json.requestId);
    // Refused at once, rather than parked and then lost (or bought with the marker) after an approver's work.
    const outcome = await t.waitForOutcome(requestId, 20_000);
    expect(outcome).toMatchObject({ type: 'order.rejected', attempts: 0, error: { code: 'password_not_kept' } });
    expect(t.approvalEvents.find((event) => event.requestId === requestId)).toBeUndefined();
    // Whatever it ends as, the VM (if one was bought) has the password its owner chose, never the marker.
    for (const record of t.stack.sandbox?.orders() ?? []) expect(JSON.stringify(record.request)).not.toContain('[redacted');
  });

  it('whose message could not be queued, reaches an outcome through the sweep', async () => {
    t.stack.aws.faults.setFailureRate('sqs.SendMessage', 1);
    let posted;
    try {
      posted = await post('/vps', { ...vps('Battery-Staple-7'), item_id: 'hostingercom-vps-kvm1-usd-1m' });
    } finally {
      t.stack.aws.faults.setFailureRate('sqs.SendMessage', 0);
    }
    expect(posted.status).toBe(202);
    const requestId = String(posted.json.requestId);
    await expect(t.waitForOutcome(requestId, 20_000)).resolves.toMatchObject({ type: 'order.rejected', error: { code: 'password_not_kept' } });
    for (const record of t.stack.sandbox?.orders() ?? []) expect(JSON.stringify(record.request)).not.toContain('[redacted');
  });
});
