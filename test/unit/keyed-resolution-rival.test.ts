import { describe, expect, it } from 'vitest';
import { type FollowUpDependencies, runFollowUps } from '../../lib/follow-up/follow-up-run.ts';
import type { Subscription } from '../../lib/hostinger/billing-reader.ts';
import type { FollowUps } from '../../lib/ledger/follow-ups.ts';
import type { LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import { buildOutcome } from '../../lib/order/outcome.ts';
import { settleJointly } from '../../lib/reconciliation/joint-check.ts';
import type { AttemptWindow } from '../../lib/reconciliation/verdict.ts';
import { reconcileAttempt } from '../../lib/reconciliation/verdict.ts';

/**
 * A domain or VPS that ended unknown, found by its key by the follow-up: its registration (or VM) started a
 * subscription of the item that the follow-up could not name, or named without recording it as the request's.
 * Resolved bought, it must still stand in the way of a generic order of the same item whose attempt overlapped,
 * as the worker keeps a purchase it found by its key (keyedWindow); otherwise that order takes the subscription.
 */
const window: AttemptWindow = { startedAt: 10_000, endedAt: 11_000, answered: false };
const keyedSubscription: Subscription = { id: 's-keyed', created_at: new Date(10_500).toISOString() };
const settings = { clockSkewMs: 0, lateMs: 0, indexLagMs: 0, patienceMs: 60_000, sharedAccount: false };

const DOMAIN: LedgerRecord['order'] = { kind: 'domain', domain: 'x.com', item_id: 'hostingercom-domain-com-usd-1y' };
const VPS: LedgerRecord['order'] = { kind: 'vps', item_id: 'hostingercom-domain-com-usd-1y', setup: { template_id: 1130, data_center_id: 17, hostname: 'a.example.tld' } };

/** The follow-up resolves the purchase bought; the record as the ledger keeps it, and whether the unsettled index lists it. */
async function resolvedKeyed(order: LedgerRecord['order'], verdict: Awaited<ReturnType<FollowUpDependencies['reconcile']>>, canRecord = true) {
  const recorded = new Map<string, string>();
  let stored: LedgerRecord = {
    requestId: 'keyed',
    status: 'unknown',
    source: 'queue',
    attempts: 1,
    order,
    outcome: buildOutcome({
      outcomeId: 'u',
      requestId: 'keyed',
      kind: order?.kind === 'vps' ? 'vps' : 'domain',
      status: 'unknown',
      attempts: 1,
      requestedAt: 'x',
      completedAt: new Date(11_000).toISOString(),
    }),
    followUp: { at: 0, until: 60_000, looks: 1, window },
    createdAt: 'x',
    updatedAt: 'y',
  };
  let indexed = true;
  // As DynamoDB does it (lib/ledger/dynamodb-follow-ups.ts): a resolution takes the request off the unsettled
  // index unless it keeps a window by which its key's purchase stands in others' way.
  const followUps: FollowUps = {
    due: async () => (stored.followUp ? [stored.requestId] : []),
    settle: async () => false,
    resolve: async (_id, document, resolution, _now, keyedWindow) => {
      stored = { ...stored, resolution, followUpUnpublished: document, ...(keyedWindow ? { keyedWindow } : {}) };
      indexed = keyedWindow !== undefined;
      return true;
    },
    postpone: async () => undefined,
    close: async () => {
      const { followUp: _followUp, followUpUnpublished: _unpublished, ...rest } = stored;
      stored = rest;
    },
  };
  await runFollowUps({
    followUps,
    requests: { get: async () => stored },
    subscriptionIds: async () => new Set(),
    reconcile: async () => verdict,
    publish: async () => new Set(),
    metrics: { outcome: () => undefined },
    pendingPayment: async () => ({ result: 'settled' }),
    ...(canRecord
      ? {
          recordSubscription: async (subscriptionId: string, requestId: string) => {
            recorded.set(subscriptionId, requestId);
            return true;
          },
        }
      : {}),
    settings: { firstLookMs: 1_000, maxIntervalMs: 8_000, pendingForMs: 60_000, unknownForMs: 60_000 },
    limit: 10,
    now: () => new Date(20_000),
  });
  expect(stored.resolution?.result).toBe('bought');
  return { record: stored, indexed, recorded };
}

/** A generic order of the same item whose lost attempt overlapped the domain's: the worker's check of it. */
async function genericCheck({ record, indexed, recorded }: { record: LedgerRecord; indexed: boolean; recorded: Map<string, string> }) {
  const claimed: string[] = [];
  const ledger = {
    unsettledAttempts: async () => (indexed ? [{ requestId: record.requestId, since: 10_000 }] : []),
    get: async (id: string) => (id === record.requestId ? record : undefined),
    attributions: async () => recorded,
    subscriptionsBoughtByAnswer: async () => new Set(recorded.keys()),
    claimSubscription: async (id: string) => {
      claimed.push(id);
      return true;
    },
  };
  const rivals = (await ledger.unsettledAttempts()).map((rival) => rival.requestId);
  let verdict = await reconcileAttempt('generic', [keyedSubscription], { ledger, rivalsFor: async () => rivals, now: () => new Date(20_000) });
  if (verdict.result === 'inconclusive')
    verdict = await settleJointly('generic', window, 'hostingercom-domain-com-usd-1y', [keyedSubscription], { ledger, settings, timeoutMs: 1_000, now: () => 20_000 });
  return { verdict, claimed };
}

describe('a domain or VPS resolved bought by the follow-up', () => {
  it('a domain found in the portfolio with no subscription named: a generic order never takes its subscription', async () => {
    const { verdict, claimed } = await genericCheck(await resolvedKeyed(DOMAIN, { result: 'found', key: 'domain:x.com', bought: { domain: { domain: 'x.com', status: null } } }));
    expect(claimed).toEqual([]);
    expect(verdict.result).not.toBe('found');
  });

  it("a VM that names its subscription: recorded as the request's, as the worker records it, so a generic order never takes it", async () => {
    const resolved = await resolvedKeyed(VPS, { result: 'found', key: 'vps:a.example.tld', subscriptionId: 's-keyed' });
    expect(resolved.recorded).toEqual(new Map([['s-keyed', 'keyed']]));
    const { verdict, claimed } = await genericCheck(resolved);
    expect(claimed).toEqual([]);
    expect(verdict.result).not.toBe('found');
    // Where it cannot be recorded, the VPS stays in the way for its window instead.
    const unrecorded = await genericCheck(await resolvedKeyed(VPS, { result: 'found', key: 'vps:a.example.tld', subscriptionId: 's-keyed' }, false));
    expect(unrecorded.claimed).toEqual([]);
    expect(unrecorded.verdict.result).not.toBe('found');
  });
});
