import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import { processBatch } from '../../lib/worker/process-batch.ts';
import { fakeWorkerLedger, workerDeps } from '../support/worker.ts';

/**
 * A VPS whose answer was lost and whose VM was then found by its hostname bought that VM's subscription as
 * surely as if Hostinger had answered. It was written on the request record only, not as the subscription's
 * attribution item that joint settlement reads (`attributions`): to a burst of generic orders on the same
 * item, the VM's subscription looked unexplained, and could be paired with an attempt that bought nothing.
 */
const ITEM = 'hostingercom-vps-kvm1-usd-1m';
const message = {
  messageId: 'm-v',
  body: JSON.stringify({ requestId: 'v', kind: 'vps', item_id: ITEM, setup: { template_id: 1130, data_center_id: 17 } }),
  attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
  messageAttributes: {},
} as unknown as SQSRecord;

describe('a VPS settled by its hostname', () => {
  it("records the VM's subscription as bought by this request, where reconciliation of other requests reads it", async () => {
    const recordAnswer = vi.fn(async () => true);
    const claimed: LedgerRecord = { requestId: 'v', status: 'submitting', source: 'queue', attempts: 0, createdAt: new Date().toISOString(), updatedAt: '' };
    const deps = workerDeps(async () => ({ kind: 'ambiguous', error: { code: 'ECONNRESET', message: 'reset' } }), {
      ledger: fakeWorkerLedger({ claim: async () => ({ claimed: true, record: claimed }), recordAnswer }),
      keyed: { prepare: async () => ({ ready: true }), release: async () => undefined },
      reconcile: async () => ({ result: 'found', key: 'vps:vps-host', subscriptionId: 'vm-subscription', bought: { vm: { id: 1, hostname: 'vps-host' } } }) as never,
      concurrency: 1,
    });
    await processBatch([message], { remainingMs: () => 60_000 }, deps);
    expect(recordAnswer).toHaveBeenCalledWith('vm-subscription', 'v', expect.any(Date));
  });
});
