import { describe, expect, it } from 'vitest';
import { type ApprovalDependencies, decideOrder, expireApprovals } from '../../lib/intake/approvals.ts';
import { sweepUnqueued } from '../../lib/intake/sweep-unqueued.ts';
import type { ApprovalLedger } from '../../lib/ledger/approval-ledger.ts';
import type { LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import { type ApprovalDecision, awaitingApproval } from '../../lib/order/approval.ts';
import type { PurchaseMessage } from '../../lib/order/kinds/purchase.ts';

/** Deciding on held orders, with the ledger and the queue faked: who may, until when, and what is queued. */
const NOW = new Date('2026-11-30T12:00:00Z');
const held = (requestId: string, expiresAt: string): LedgerRecord => ({
  requestId,
  status: 'awaiting_approval',
  source: 'queue',
  owner: 'alice',
  order: { items: [{ item_id: 'hostingercom-vps-kvm2-eur-1m', quantity: 2 }] },
  attempts: 0,
  approvalHold: {
    event: awaitingApproval({ requestId, totals: { EUR: 1698 }, reasons: ['r'], expiresAt, requestedAt: '', at: '' }),
    batchRun: { run: 'nightly:2026-11-30T03:00:00Z', size: 3 },
  },
  createdAt: '',
  updatedAt: '',
});

function fixture(records: LedgerRecord[], allowSelfApproval = false) {
  const store = new Map(records.map((record) => [record.requestId, record]));
  const queued: PurchaseMessage[] = [];
  const approvals: ApprovalLedger = {
    park: async () => undefined,
    decide: async (requestId, decision: ApprovalDecision) => {
      const record = store.get(requestId);
      if (!record) return { decided: false, reason: 'missing' };
      if (record.status !== 'awaiting_approval') return { decided: false, reason: 'not_awaiting', record };
      const decided: LedgerRecord = { ...record, status: 'queued', approval: decision };
      store.set(requestId, decided);
      return { decided: true, record: decided };
    },
    expired: async (now) =>
      [...store.values()].filter((r) => r.status === 'awaiting_approval' && Date.parse(r.approvalHold?.event.expiresAt ?? '') <= now.getTime()).map((r) => r.requestId),
  };
  const deps: ApprovalDependencies = {
    approvals,
    ledger: { get: async (id) => store.get(id), markEnqueued: async () => undefined },
    enqueue: async (messages) => {
      queued.push(...messages);
    },
    policy: { approval: { expiryHours: 24, allowSelfApproval } },
    now: () => NOW,
  };
  return { deps, queued, store };
}

describe('deciding on a held order', () => {
  it('refuses self-approval, records who approved, and queues the order with its scheduled run', async () => {
    const { deps, queued } = fixture([held('a', '2026-12-01T12:00:00Z')]);
    expect(await decideOrder({ requestId: 'a', decision: 'approved', caller: 'alice' }, deps)).toMatchObject({ kind: 'forbidden' });
    expect(await decideOrder({ requestId: 'a', decision: 'approved', caller: 'bob', reason: 'ok' }, deps)).toEqual({
      kind: 'decided',
      replayed: false,
      // What the approver was shown: the approval covers no more.
      decision: { decision: 'approved', by: 'bob', at: NOW.toISOString(), reason: 'ok', totals: { EUR: 1698 } },
    });
    expect(queued).toEqual([{ requestId: 'a', items: [{ item_id: 'hostingercom-vps-kvm2-eur-1m', quantity: 2 }], batchRun: { run: 'nightly:2026-11-30T03:00:00Z', size: 3 } }]);
    // The same decision again is a replay (and queues again: harmless); another one is refused.
    expect(await decideOrder({ requestId: 'a', decision: 'approved', caller: 'bob' }, deps)).toMatchObject({ kind: 'decided', replayed: true });
    expect(await decideOrder({ requestId: 'a', decision: 'denied', caller: 'bob' }, deps)).toMatchObject({ kind: 'conflict', status: 'queued' });
    expect(await decideOrder({ requestId: 'nope', decision: 'denied', caller: 'bob' }, deps)).toEqual({ kind: 'missing' });
  });

  it('lets the owner approve when the policy allows it, and anyone deny', async () => {
    expect(await decideOrder({ requestId: 'a', decision: 'approved', caller: 'alice' }, fixture([held('a', '2026-12-01T12:00:00Z')], true).deps)).toMatchObject({
      kind: 'decided',
    });
    expect(await decideOrder({ requestId: 'a', decision: 'denied', caller: 'alice' }, fixture([held('a', '2026-12-01T12:00:00Z')]).deps)).toMatchObject({ kind: 'decided' });
  });

  it('after its wait ended records it expired (the worker then rejects it), and the sweep expires the rest', async () => {
    const { deps, queued, store } = fixture([held('late', '2026-11-30T11:59:59Z'), held('later', '2026-11-30T11:00:00Z'), held('fresh', '2026-12-01T00:00:00Z')]);
    expect(await decideOrder({ requestId: 'late', decision: 'approved', caller: 'bob' }, deps)).toMatchObject({ kind: 'conflict', decision: { decision: 'expired' } });
    expect(await expireApprovals({ ...deps, limit: 10 })).toEqual({ expired: 1 });
    expect([...store.values()].map((r) => [r.requestId, r.status, r.approval?.decision])).toEqual([
      ['late', 'queued', 'expired'],
      ['later', 'queued', 'expired'],
      ['fresh', 'awaiting_approval', undefined],
    ]);
    expect(queued.map((m) => m.requestId)).toEqual(['late', 'later']);
  });
});

describe('a decision whose reply was lost', () => {
  it('is recognised as ours when the retried write finds it made, and the order is queued', async () => {
    const { deps, queued, store } = fixture([held('a', '2026-12-01T12:00:00Z')]);
    const decide = deps.approvals.decide;
    // The write is applied, its reply lost: the retry finds the request decided (by this very decision).
    deps.approvals.decide = async (requestId, decision, now) => {
      await decide(requestId, decision, now);
      return { decided: false, reason: 'not_awaiting', record: store.get(requestId) };
    };
    expect(await decideOrder({ requestId: 'a', decision: 'approved', caller: 'bob' }, deps)).toMatchObject({ kind: 'decided', replayed: false });
    expect(queued.map((m) => m.requestId)).toEqual(['a']);
  });
});

describe('a decided order whose message was not confirmed on the queue', () => {
  it('is queued by the sweep of unqueued requests with its scheduled run, so the run still counts it', async () => {
    const decided: LedgerRecord = { ...held('s', '2026-12-01T12:00:00Z'), status: 'queued', approval: { decision: 'approved', by: 'bob', at: NOW.toISOString() } };
    const sent: unknown[] = [];
    await sweepUnqueued({
      unqueued: { recordedBefore: async () => ['s'] },
      ledger: { get: async () => decided, markEnqueued: async () => undefined },
      enqueue: async (...args) => {
        sent.push(args);
      },
      olderThanMs: 0,
      limit: 10,
      now: () => NOW,
    });
    expect(sent).toEqual([['s', decided.order, { run: 'nightly:2026-11-30T03:00:00Z', size: 3 }]]);
  });
});

describe('the same approval sent twice at once (a double click, a client retry)', () => {
  it('answers both as decided, the second as a replay, not as a conflict', async () => {
    const { deps } = fixture([held('d', '2026-12-01T12:00:00Z')]);
    let ms = NOW.getTime();
    const ticking = { ...deps, now: () => new Date(ms++) };
    const [first, second] = await Promise.all([
      decideOrder({ requestId: 'd', decision: 'approved', caller: 'bob' }, ticking),
      decideOrder({ requestId: 'd', decision: 'approved', caller: 'bob' }, ticking),
    ]);
    expect([first.kind, second.kind]).toEqual(['decided', 'decided']);
    expect([first, second].filter((result) => result.kind === 'decided' && result.replayed)).toHaveLength(1);
  });
});
