import type { Subscription } from '../hostinger/billing-reader.ts';
import type { LedgerRecord, RequestLedger, UnsettledAttempts } from '../ledger/request-ledger.ts';
import type { AttributionReader, SubscriptionAttribution } from '../ledger/subscription-ledger.ts';
import { unknownAttemptWindow, windowOfMark } from './attempt-window.ts';
import { type AttemptSpan, jointVerdict, type UnexplainedPurchase } from './joint-attribution.ts';
import { type AttemptWindow, CREATED_AT_RESOLUTION_MS, mayFinishLate, type ReconcileVerdict } from './verdict.ts';

export interface JointSettings {
  clockSkewMs: number;
  lateMs: number;
  /** How long after an attempt ended its check may wait for rival attempts to settle before ending unknown. */
  patienceMs: number;
  /** The account is shared with people who buy the same items by hand: a surplus of purchases is no evidence. */
  sharedAccount: boolean;
  /** How far the unsettled-attempts index may lag: a group is complete only once every attempt that made one of its purchases shows. */
  indexLagMs: number;
}

export interface JointCheckDependencies {
  ledger: SubscriptionAttribution & AttributionReader & UnsettledAttempts & Pick<RequestLedger, 'get'>;
  settings: JointSettings;
  /** Hostinger's timeout: an attempt whose end is not recorded ended this long after it started, at the latest. */
  timeoutMs: number;
  now: () => number;
}

/** When an attempt could have made a purchase, as reconciliation reads `created_at` (whole seconds, our clock's skew). */
export function spanOf(requestId: string, window: AttemptWindow, settings: Pick<JointSettings, 'clockSkewMs' | 'lateMs'>, open = false): AttemptSpan {
  return {
    requestId,
    from: window.startedAt - settings.clockSkewMs - CREATED_AT_RESOLUTION_MS,
    to: window.endedAt + settings.clockSkewMs + (mayFinishLate(window) ? settings.lateMs : 0),
    open,
  };
}

/**
 * A rival's attempt as its record shows it (read consistently: the index that named it may lag): its span,
 * and whether an answer may still come for it. Undefined when it is settled and so owns nothing unexplained.
 */
function rivalSpan(record: LedgerRecord, deps: JointCheckDependencies): AttemptSpan | undefined {
  const { inFlight } = record;
  if (record.status === 'unknown' && !record.resolution) return spanOf(record.requestId, unknownAttemptWindow(record), deps.settings);
  // Bought (found by its key, by the worker or the follow-up) with no subscription recorded as its own: it owns
  // one purchase of the item in its window.
  if (record.keyedWindow) return spanOf(record.requestId, record.keyedWindow, deps.settings);
  if (!inFlight || (record.status !== 'queued' && record.status !== 'submitting')) return undefined;
  const window = windowOfMark(inFlight, deps.timeoutMs);
  const ended = inFlight.answeredAt ?? inFlight.endedAt;
  // Still in flight: held by a live claim and no end recorded. Its own answer may yet say what it bought.
  // So may a VPS's, at any time until it is settled: its hostname finds its VM, which names the subscription
  // (counting could pair that one with another attempt, and it would be credited twice).
  const open = record.order?.kind === 'vps' || (record.status === 'submitting' && ended === undefined && (record.leaseUntil ?? 0) > deps.now());
  return spanOf(record.requestId, window, deps.settings, open);
}

/**
 * Settles an attempt together with the other unsettled attempts on the same item, when the single check
 * could not tell whose purchase is whose: a burst of identical purchases whose answers were all lost or 5xx.
 * `keyed`: the account's subscriptions of the item (its name, currency and period).
 */
export async function settleJointly(
  requestId: string,
  window: AttemptWindow,
  itemId: string,
  keyed: Subscription[],
  deps: JointCheckDependencies,
  options: { finalLook?: boolean } = {},
): Promise<ReconcileVerdict> {
  const { settings } = deps;
  const self = spanOf(requestId, window, settings);
  // Rivals whose span could reach a purchase in self's; widened while the group grows (a chain of overlaps).
  const reach = deps.timeoutMs + settings.lateMs + 2 * settings.clockSkewMs + CREATED_AT_RESOLUTION_MS;
  let from = self.from - reach;
  let to = self.to + reach;
  let spans: AttemptSpan[] = [self];
  for (let widened = true; widened; ) {
    const ids = new Set((await deps.ledger.unsettledAttempts(itemId, from, to)).map((rival) => rival.requestId));
    ids.delete(requestId);
    const records = await Promise.all([...ids].map((id) => deps.ledger.get(id)));
    spans = [self, ...records.flatMap((record) => (record ? (rivalSpan(record, deps) ?? []) : []))];
    const extent = { from: Math.min(...spans.map((span) => span.from)) - reach, to: Math.max(...spans.map((span) => span.to)) + reach };
    widened = extent.from < from || extent.to > to;
    from = Math.min(from, extent.from);
    to = Math.max(to, extent.to);
  }

  const inSomeSpan = (created: number) => spans.some((span) => created >= span.from && created <= span.to);
  const inReach = keyed.filter((subscription) => inSomeSpan(Date.parse(subscription.created_at)));
  const attributed = await deps.ledger.attributions(inReach.map((subscription) => subscription.id));
  const mine = inReach.find((subscription) => attributed.get(subscription.id) === requestId);
  if (mine) return { result: 'found', subscription: mine };
  // A purchase attributed to anyone is explained; a member that took one by reconciliation is settled.
  const settled = new Set(attributed.values());
  const members = spans.filter((span) => !settled.has(span.requestId));
  const purchases: UnexplainedPurchase[] = inReach
    .filter((subscription) => !attributed.has(subscription.id))
    .map((subscription) => ({ id: subscription.id, createdAt: Date.parse(subscription.created_at) }));

  const verdict = jointVerdict(requestId, members, purchases, { sharedAccount: settings.sharedAccount });
  if (verdict.result === 'absent') return { result: 'absent' };
  if (verdict.result === 'bought') {
    // Counting holds only if every attempt that made one of these purchases is in the group: the one that made
    // the newest may have marked its attempt too recently for the (lagging) index to show it yet.
    const visibleAt = Math.max(...purchases.map((purchase) => purchase.createdAt + settings.clockSkewMs + CREATED_AT_RESOLUTION_MS + settings.indexLagMs));
    if (visibleAt > deps.now()) {
      return options.finalLook
        ? { result: 'inconclusive', candidates: purchases.length }
        : { result: 'deferred', reason: 'the attempts that could have made these purchases are not all visible yet', retryAt: visibleAt };
    }
    const subscription = inReach.find((candidate) => candidate.id === verdict.purchaseId);
    if (subscription && (await deps.ledger.claimSubscription(subscription.id, requestId, new Date(deps.now())))) return { result: 'found', subscription };
    // Another member took it between our reads and our write: look again at once.
    return options.finalLook
      ? { result: 'inconclusive', candidates: purchases.length }
      : { result: 'deferred', reason: 'another request took the purchase paired with this one; looking again', retryAt: deps.now() + 1_000 };
  }
  const waited = deps.now() - window.endedAt;
  if (options.finalLook || waited >= settings.patienceMs) return { result: 'inconclusive', candidates: purchases.length };
  const reason =
    verdict.result === 'wait'
      ? `${verdict.reason}: looking again once they are answered`
      : `${verdict.purchases} purchase(s) for ${verdict.attempts} unsettled attempt(s) on this item: looking again while late purchases and rivals settle`;
  // Backing off: about half the time waited so far, between 2 s and 30 s.
  return { result: 'deferred', reason, retryAt: deps.now() + Math.min(30_000, Math.max(2_000, waited / 2)) };
}
