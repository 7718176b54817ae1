import { describe, expect, it } from 'vitest';
import { nextLook, startFollowUp } from '../../lib/follow-up/follow-up-policy.ts';
import { type FollowUpDependencies, runFollowUps } from '../../lib/follow-up/follow-up-run.ts';
import type { FollowUp, FollowUps } from '../../lib/ledger/follow-ups.ts';
import type { LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import { buildOutcome } from '../../lib/order/outcome.ts';

const settings = { firstLookMs: 1_000, maxIntervalMs: 8_000, pendingForMs: 60_000, unknownForMs: 60_000 };

/** A followed request's record: what the tests set, with one attempt made and placeholder timestamps. */
const followed = (fields: Pick<LedgerRecord, 'requestId' | 'status' | 'source'> & Partial<LedgerRecord>): LedgerRecord => ({
  attempts: 1,
  createdAt: 'x',
  updatedAt: 'y',
  ...fields,
});

/**
 * The follow-up's ledger writes over records in memory, each with its condition: `settle` only over the
 * interim outcome, `resolve` only once. `resolveReply: 'lost'`: the resolution is written but its reply lost
 * (the SDK's retry then fails the condition on the write it made).
 */
function memoryFollowUps(records: LedgerRecord[], options: { resolveReply?: 'answered' | 'lost' } = {}) {
  const store = new Map(records.map((record) => [record.requestId, record]));
  const closed: string[] = [];
  const get = (id: string) => store.get(id) as LedgerRecord;
  const followUps: FollowUps = {
    due: async () => [...store.values()].filter((record) => record.followUp).map((record) => record.requestId),
    settle: async (id, interimId, final) => {
      const record = get(id);
      if (record.outcome?.outcomeId !== interimId) return false;
      store.set(id, { ...record, status: final.status, outcome: final, followUpUnpublished: final });
      return true;
    },
    resolve: async (id, document, resolution) => {
      const record = get(id);
      if (record.resolution) return false;
      store.set(id, { ...record, resolution, followUpUnpublished: document });
      return options.resolveReply !== 'lost';
    },
    postpone: async (id, followUp) => {
      store.set(id, { ...get(id), followUp });
    },
    close: async (id) => {
      closed.push(id);
      const { followUp: _followUp, followUpUnpublished: _unpublished, ...rest } = get(id);
      store.set(id, rest);
    },
  };
  return { followUps, get, closed };
}

describe('follow-up timing', () => {
  it('looks first after firstLookMs, then doubles up to the maximum, never past the deadline', () => {
    const started = startFollowUp('pending', 0, settings);
    expect(started).toEqual({ at: 1_000, until: 60_000, looks: 0 });
    const looks: number[] = [];
    let followUp: FollowUp = started;
    for (let now = 1_000; looks.length < 6; ) {
      const next = nextLook(followUp, now, settings);
      looks.push(next.at - now);
      followUp = { ...followUp, ...next };
      now = next.at;
    }
    expect(looks).toEqual([2_000, 4_000, 8_000, 8_000, 8_000, 8_000]);
    expect(nextLook({ ...started, looks: 3 }, 59_000, settings).at).toBe(60_000);
  });
});

describe('runFollowUps', () => {
  const pending = buildOutcome({ outcomeId: 'interim', requestId: 'r1', status: 'pending', attempts: 1, requestedAt: 'x', completedAt: 'y' });
  function fixture(record: LedgerRecord, publishFails: boolean[]) {
    const { followUps, get, closed } = memoryFollowUps([record]);
    const published: string[] = [];
    const counted: string[] = [];
    const deps: FollowUpDependencies = {
      followUps,
      requests: { get: async (id) => get(id) },
      subscriptionIds: async () => new Set(['sub-1']),
      reconcile: async () => ({ result: 'absent' }),
      publish: async (documents) => {
        const fail = publishFails.shift() ?? false;
        if (!fail) published.push(...documents.map((document) => document.outcomeId));
        return new Set(fail ? documents.map((document) => document.outcomeId) : []);
      },
      metrics: { outcome: (outcome) => counted.push(outcome.type) },
      pendingPayment: async () => ({ result: 'settled' }),
      settings,
      limit: 10,
      now: () => new Date(5_000),
    };
    return { deps, published, closed, counted, current: () => get(record.requestId) };
  }

  it("a pending renewal is paid once its subscription's expiry moved (its key), not because the subscription exists", async () => {
    const record = followed({
      requestId: 'r1',
      status: 'pending',
      source: 'http',
      outcome: pending,
      order: { kind: 'renewal', subscription_id: 'sub-1' },
      followUp: { at: 0, until: 60_000, looks: 0 },
    });
    const freed: string[] = [];
    const releaseKey = async (requestId: string, _purchase: unknown, status: string) => {
      freed.push(`${requestId}:${status}`);
    };
    const unpaid = fixture(record, []);
    unpaid.deps.releaseKey = releaseKey;
    expect(await runFollowUps(unpaid.deps)).toMatchObject({ paid: 0 });
    expect(unpaid.current().status).toBe('pending');
    // Its payment may still complete, and is read by its key: the key stays held (test/integration/renewal-pending-key.test.ts).
    expect(freed).toEqual([]);
    const paid = fixture(record, []);
    paid.deps.reconcile = async () => ({ result: 'found', key: 'renewal:sub-1' });
    paid.deps.releaseKey = releaseKey;
    expect(await runFollowUps(paid.deps)).toMatchObject({ paid: 1 });
    expect(paid.current()).toMatchObject({ status: 'succeeded' });
    // Paid, the renewal has ended: its key is freed as the worker frees a renewal's.
    expect(freed).toEqual(['r1:succeeded']);
  });

  it('records the final outcome before publishing it, and publishes it again after a failed publish', async () => {
    const record = followed({
      requestId: 'r1',
      status: 'pending',
      source: 'http',
      outcome: pending,
      subscriptionId: 'sub-1',
      followUp: { at: 0, until: 60_000, looks: 0 },
    });
    const f = fixture(record, [true, false]);
    expect(await runFollowUps(f.deps)).toMatchObject({ paid: 1 });
    expect(f.current()).toMatchObject({ status: 'succeeded', outcome: { outcomeId: 'final:r1' } });
    expect(f.published).toEqual([]);
    expect(f.closed).toEqual([]);
    await runFollowUps(f.deps);
    expect(f.published).toEqual(['final:r1']);
    expect(f.counted).toEqual(['order.succeeded']);
    expect(f.closed).toEqual(['r1']);
    expect(f.current().followUp).toBeUndefined();
  });

  it('looks again later while the payment is pending and the deadline is ahead', async () => {
    const record = followed({
      requestId: 'r1',
      status: 'pending',
      source: 'http',
      outcome: pending,
      subscriptionId: 'sub-other',
      followUp: { at: 0, until: 60_000, looks: 0 },
    });
    const f = fixture(record, []);
    await runFollowUps(f.deps);
    expect(f.current()).toMatchObject({ status: 'pending', followUp: { at: 7_000, looks: 1 } });
    expect(f.published).toEqual([]);
  });
});

describe('a request proven not bought', () => {
  it('gives its budget reservation back if its order cannot be awaiting payment; one found bought, or that may be paid later, keeps it', async () => {
    const unknown = buildOutcome({ outcomeId: 'u', requestId: 'r2', status: 'unknown', attempts: 1, requestedAt: 'x', completedAt: new Date(0).toISOString() });
    const run = async (
      verdict: 'absent' | 'found' | 'inconclusive',
      resolveReply: 'answered' | 'lost' = 'answered',
      payment: 'settled' | 'mayBePending' = 'settled',
      order: LedgerRecord['order'] = { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }], payment_method_id: 1 },
    ) => {
      const released: string[] = [];
      const { followUps, get } = memoryFollowUps(
        [
          followed({
            requestId: 'r2',
            status: 'unknown',
            source: 'queue',
            outcome: unknown,
            order,
            followUp: { at: 0, until: 1_000, looks: 3 },
          }),
        ],
        { resolveReply },
      );
      const deps: FollowUpDependencies = {
        followUps,
        requests: { get: async (id) => get(id) },
        subscriptionIds: async () => new Set(),
        reconcile: async () =>
          (verdict === 'found'
            ? { result: 'found', subscriptionId: 'sub-9' }
            : verdict === 'inconclusive'
              ? { result: 'inconclusive', candidates: 2 }
              : { result: 'absent' }) as never,
        publish: async () => new Set(),
        metrics: { outcome: () => undefined },
        settleBudget: async (requestId, how) => {
          released.push(`${requestId}:${how}`);
        },
        releaseKey: async (requestId, _purchase, status) => {
          released.push(`${requestId}:key as ${status}`);
        },
        pendingPayment: async () => (payment === 'settled' ? { result: 'settled' } : { result: 'mayBePending', reason: 'a card' }),
        settings,
        limit: 10,
        now: () => new Date(5_000),
      };
      expect(await runFollowUps(deps)).toMatchObject({ resolved: resolveReply === 'answered' && verdict !== 'inconclusive' ? 1 : 0 });
      return released;
    };
    // The purchase key (a VPS's hostname, a domain, a renewed subscription) is freed as the worker frees it
    // for a request that ends failed (any key) or succeeded (a renewal's only); a generic order has none.
    expect(await run('absent')).toEqual(['r2:release', 'r2:key as failed']);
    expect(await run('found')).toEqual(['r2:keep', 'r2:key as succeeded']);
    // The resolution recorded by a write whose reply was lost still gives the budget and the key back.
    expect(await run('absent', 'lost')).toEqual(['r2:release', 'r2:key as failed']);
    // On a card its order may await payment, unseen, and be paid any time later (test/integration/budget-follow-up.test.ts):
    // its budget stays counted and its key held, so that nothing is bought twice under it.
    expect(await run('absent', 'answered', 'mayBePending')).toEqual(['r2:keep']);
    // A VPS, domain or renewal whose answer was lost may have been a 202, on PayPal too: nothing shows by its key,
    // however long, so proven nothing it keeps its budget and its key (test/integration/keyed-follow-up-lost-202.test.ts).
    expect(await run('absent', 'answered', 'settled', { kind: 'domain', domain: 'lost.com', item_id: 'hostingercom-domain-com-usd-1y', payment_method_id: 1 })).toEqual([
      'r2:keep',
    ]);
    expect(await run('found', 'answered', 'settled', { kind: 'renewal', subscription_id: 'sub-1' })).toEqual(['r2:keep', 'r2:key as succeeded']);
    // Nothing decided by the end of its follow-up: kept, its hold settled rather than left in the budget item.
    expect(await run('inconclusive')).toEqual(['r2:keep']);
  });
});

describe('a payment completed just before its deadline', () => {
  it('is not expired on a subscriptions list read earlier in the run, before the deadline', async () => {
    const until = 60_000;
    const clock = { now: until - 10_000 };
    // The payment of r2's order completes 5 s before its deadline: its subscription appears then.
    const account = () => new Set(clock.now >= until - 5_000 ? ['sub-r2'] : []);
    const interim = (requestId: string) => buildOutcome({ outcomeId: `interim:${requestId}`, requestId, status: 'pending', attempts: 1, requestedAt: 'x', completedAt: 'y' });
    const { followUps, get } = memoryFollowUps(
      ['r1', 'r2'].map((requestId) =>
        followed({
          requestId,
          status: 'pending',
          source: 'http',
          outcome: interim(requestId),
          subscriptionId: `sub-${requestId}`,
          // r1's deadline is far ahead; r2's is `until`.
          followUp: { at: 0, until: requestId === 'r1' ? until + 3_600_000 : until, looks: 0 },
        }),
      ),
    );
    let reads = 0;
    // One run's dependencies, as the wiring builds them per invocation.
    const depsOfRun = (): FollowUpDependencies => {
      let listRead = (): void => undefined;
      const listWasRead = new Promise<void>((resolve) => {
        listRead = resolve;
      });
      return {
        followUps,
        // r2 is looked at once r1 had the list read, and the run has gone past r2's deadline meanwhile.
        requests: {
          get: async (id) => {
            if (id === 'r2') {
              await listWasRead;
              clock.now = until + 1_000;
            }
            return get(id);
          },
        },
        subscriptionIds: async () => {
          reads += 1;
          const ids = account();
          listRead();
          return ids;
        },
        reconcile: async () => ({ result: 'absent' }),
        publish: async () => new Set(),
        metrics: { outcome: () => undefined },
        pendingPayment: async () => ({ result: 'settled' }),
        settings,
        limit: 10,
        now: () => new Date(clock.now),
      };
    };
    await runFollowUps(depsOfRun());
    // The list is read once per run, for both requests.
    expect(reads).toBe(1);
    // Not failed: the list it was judged on was read before the deadline, when the payment was not done yet.
    expect(get('r2').status).not.toBe('failed');
    clock.now = until + 2_000;
    await runFollowUps(depsOfRun());
    expect(get('r2')).toMatchObject({ status: 'succeeded', outcome: { outcomeId: 'final:r2', reconciliation: { subscriptionId: 'sub-r2' } } });
  });
});

describe('a look that cannot be made at the deadline', () => {
  const deferred = { result: 'deferred' as const, reason: 'the subscriptions list cannot be read now' };
  const run = async (record: LedgerRecord) => {
    const { followUps, get } = memoryFollowUps([record]);
    const published: string[] = [];
    const deps: FollowUpDependencies = {
      followUps,
      requests: { get: async (id) => get(id) },
      subscriptionIds: async () => new Set(),
      reconcile: async () => deferred,
      publish: async (documents) => {
        published.push(...documents.map((document) => document.type));
        return new Set();
      },
      metrics: { outcome: () => undefined },
      pendingPayment: async () => ({ result: 'settled' }),
      settings,
      limit: 10,
      // Past the deadline (60 s).
      now: () => new Date(61_000),
    };
    await runFollowUps(deps);
    return { stored: get(record.requestId), published };
  };

  it('leaves an unknown followed, to be looked at again, rather than ending its follow-up with nothing decided', async () => {
    const unknown = buildOutcome({ outcomeId: 'u', requestId: 'r3', status: 'unknown', attempts: 1, requestedAt: 'x', completedAt: new Date(0).toISOString() });
    const { stored } = await run(
      followed({
        requestId: 'r3',
        status: 'unknown',
        source: 'queue',
        outcome: unknown,
        order: { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] },
        followUp: { at: 60_000, until: 60_000, looks: 5 },
      }),
    );
    expect(stored.followUp).toBeDefined();
  });

  it('does not expire a pending renewal whose payment could not be looked for', async () => {
    const pending = buildOutcome({ outcomeId: 'interim', requestId: 'r4', status: 'pending', attempts: 1, requestedAt: 'x', completedAt: 'y' });
    const { stored, published } = await run(
      followed({
        requestId: 'r4',
        status: 'pending',
        source: 'queue',
        outcome: pending,
        order: { kind: 'renewal', subscription_id: 'sub-1' },
        followUp: { at: 60_000, until: 60_000, looks: 5 },
      }),
    );
    expect(published).toEqual([]);
    expect(stored).toMatchObject({ status: 'pending', followUp: expect.any(Object) });
  });
});
