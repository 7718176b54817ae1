import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../lib/hostinger/billing-reader.ts';
import type { LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import { type JointCheckDependencies, settleJointly } from '../../lib/reconciliation/joint-check.ts';

const settings = { clockSkewMs: 0, lateMs: 0, indexLagMs: 0, patienceMs: 60_000, sharedAccount: false };
const subscription = (id: string, at: number): Subscription => ({ id, created_at: new Date(at).toISOString() });

/** The joint check against fake ledger reads: which rivals the index names, their records, who took what. */
function deps(rivals: LedgerRecord[], now = 20_000): JointCheckDependencies & { claimed: string[] } {
  const claimed: string[] = [];
  return {
    claimed,
    settings,
    timeoutMs: 1_000,
    now: () => now,
    ledger: {
      unsettledAttempts: async () => rivals.map((rival) => ({ requestId: rival.requestId, since: 0 })),
      get: async (id) => rivals.find((rival) => rival.requestId === id),
      attributions: async () => new Map(),
      subscriptionsBoughtByAnswer: async () => new Set(),
      claimSubscription: async (id) => (claimed.push(id), true),
    },
  };
}

const rival = (requestId: string, fields: Partial<LedgerRecord>): LedgerRecord => ({
  requestId,
  status: 'queued',
  source: 'queue',
  attempts: 1,
  createdAt: '',
  updatedAt: '',
  ...fields,
});
const window = { startedAt: 10_000, endedAt: 11_000, answered: false };

describe('settleJointly', () => {
  it('credits the purchase when the only rival also ended without an answer and two purchases were made', async () => {
    const d = deps([rival('other', { inFlight: { startedAt: 10_000, claimToken: 't', endedAt: 11_000 } })]);
    const verdict = await settleJointly('self', window, 'item', [subscription('s1', 10_500), subscription('s2', 10_600)], d);
    expect(verdict.result).toBe('found');
    expect(d.claimed).toHaveLength(1);
  });

  it('never takes the subscription of a purchase found by its key (a domain, a VM) whose subscription was not named', async () => {
    const keyed = rival('domain-purchase', { status: 'succeeded', keyedWindow: { startedAt: 10_100, endedAt: 10_900, answered: false } });
    const d = deps([keyed]);
    const verdict = await settleJointly('self', window, 'item', [subscription('s1', 10_500)], d);
    expect(verdict.result).toBe('deferred');
    expect(d.claimed).toEqual([]);
  });

  it('waits for a rival still in flight, and decides with what it has on the last look', async () => {
    const inFlight = rival('other', { status: 'submitting', leaseUntil: 200_000, inFlight: { startedAt: 10_000, claimToken: 't' } });
    expect((await settleJointly('self', window, 'item', [subscription('s1', 10_500)], deps([inFlight]))).result).toBe('deferred');
    expect((await settleJointly('self', window, 'item', [subscription('s1', 10_500)], deps([inFlight]), { finalLook: true })).result).toBe('inconclusive');
  });

  it("never pairs itself with a VPS's purchase while the VPS's attempt is unsettled: the VM found by its hostname names that subscription", async () => {
    // The VPS's worker died after the call (no end recorded, its lease over): the next delivery settles it by
    // its hostname, and the VM names its subscription. Counting would pair the older purchase (the VM's) with
    // self, whose span closes first (a 500, answered), and leave self's own to the VPS: credited twice.
    const vps = rival('vps-request', {
      status: 'submitting',
      leaseUntil: 15_000,
      order: { kind: 'vps', item_id: 'item', setup: { template_id: 1130, data_center_id: 17, hostname: 'web.example.tld' } },
      inFlight: { startedAt: 9_900, claimToken: 't' },
    });
    const d = deps([vps]);
    const answered500 = { startedAt: 10_000, endedAt: 10_200, answered: true, httpStatus: 500 };
    const verdict = await settleJointly('self', answered500, 'item', [subscription('vm-subscription', 9_950), subscription('own', 10_100)], d);
    expect(d.claimed).toEqual([]);
    expect(verdict.result).toBe('deferred');
  });

  it('pairs as before once the VPS is settled: its VM named its subscription, so only self is left to own the other', async () => {
    const d = deps([]);
    d.ledger.attributions = async () => new Map([['vm-subscription', 'vps-request']]);
    const answered500 = { startedAt: 10_000, endedAt: 10_200, answered: true, httpStatus: 500 };
    const verdict = await settleJointly('self', answered500, 'item', [subscription('vm-subscription', 9_950), subscription('own', 10_100)], d);
    expect(verdict).toMatchObject({ result: 'found', subscription: { id: 'own' } });
  });
});
