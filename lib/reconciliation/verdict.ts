import type { CatalogPrice, Subscription } from '../hostinger/billing-reader.ts';
import type { SubscriptionAttribution } from '../ledger/subscription-ledger.ts';
import type { Bought } from '../order/kinds/bought.ts';
import type { Purchase } from '../order/kinds/purchase.ts';

/**
 * An attempt whose effect is unknown. `answered`: a 5xx came back (`httpStatus`); otherwise the answer was
 * lost and Hostinger may still be working on it.
 */
export interface AttemptWindow {
  startedAt: number;
  endedAt: number;
  answered: boolean;
  httpStatus?: number;
}

/**
 * Statuses a gateway in front of the application answers when it gives up on it (nginx 502/504, Cloudflare
 * 520-524): the application may still be creating the order after the answer.
 */
export const GATEWAY_STATUSES: ReadonlySet<number> = new Set([502, 504, 520, 521, 522, 523, 524]);

/** Whether Hostinger may create the order after the window ended: a lost answer, or a gateway that gave up. */
export const mayFinishLate = (window: AttemptWindow): boolean => !window.answered || (window.httpStatus !== undefined && GATEWAY_STATUSES.has(window.httpStatus));

/**
 * Whether finding nothing under a VPS's, domain's or renewal's key proves nothing about this attempt: its answer
 * was lost, and it may have been a 202 (the purchase made, its payment still processing) that sets up no VM,
 * registers no domain and moves no expiry, on any payment method. Trying again would buy it twice, and freeing
 * its key would let another request do so.
 */
export const keyMissesLostAnswer = (purchase: Purchase, window: Pick<AttemptWindow, 'answered'>): boolean => purchase.kind !== undefined && !window.answered;

/** The subscription a lost order would have created: catalog item name, currency and billing period. */
export interface SubscriptionKey {
  name: string;
  currency: string;
  period: number;
  periodUnit: string;
}

export type ReconcileVerdict =
  /** For a VPS, domain or renewal: found by its key (`key`), with what it bought and the subscription when known. */
  | { result: 'found'; subscription?: Subscription; subscriptionId?: string; bought?: Bought; key?: string }
  /** `definitive`: settled by a key, so the attempt surely bought nothing and another is safe (after any late work). */
  | { result: 'absent'; definitive?: boolean }
  /** `reason`: why, when it is not that `candidates` subscriptions could each be this order's. */
  | { result: 'inconclusive'; candidates: number; reason?: string }
  /** The API has no subscriptions list (404, 405, 501): no evidence either way, now or later. */
  | { result: 'unavailable'; reason: string }
  /** Cannot look now (no time left, the token or the list unreadable for a while): the next delivery looks. */
  | { result: 'deferred'; reason: string; retryAt?: number };

export function subscriptionKeyFor(price: CatalogPrice | undefined): SubscriptionKey | undefined {
  return price && { name: price.itemName, currency: price.currency, period: price.period, periodUnit: price.periodUnit };
}

/** Whether a subscription is of the item, currency and period an order's item makes. */
export const matchesKey = (subscription: Subscription, key: SubscriptionKey): boolean =>
  subscription.name === key.name &&
  subscription.currency_code === key.currency &&
  subscription.billing_period === key.period &&
  subscription.billing_period_unit === key.periodUnit;

/** `created_at` has whole seconds: a subscription made at 12:00:00.900 reads 12:00:00. */
export const CREATED_AT_RESOLUTION_MS = 1000;

/**
 * Subscriptions the attempt could have created: made within its window (widened by the clock skew between
 * us and Hostinger, and by `lateMs` for work Hostinger may finish after we stopped waiting), and, when the
 * catalog told us what the item is, of that item, currency and period. Without a key every subscription
 * in the window counts: less precise, never less safe.
 */
export function candidateSubscriptions(
  subscriptions: Subscription[],
  window: AttemptWindow,
  key: SubscriptionKey | undefined,
  options: { clockSkewMs: number; lateMs: number },
): Subscription[] {
  const from = window.startedAt - options.clockSkewMs - CREATED_AT_RESOLUTION_MS;
  const to = window.endedAt + options.clockSkewMs + (mayFinishLate(window) ? options.lateMs : 0);
  return subscriptions
    .filter((subscription) => {
      const created = Date.parse(subscription.created_at);
      if (Number.isNaN(created) || created < from || created > to) return false;
      return !key || matchesKey(subscription, key);
    })
    .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
}

/**
 * Decides whether an attempt created an order, from the account's subscriptions. Hostinger has no
 * idempotency key and no order lookup, so this is the only evidence there is.
 *
 * Never a second purchase: a subscription is ruled out only when Hostinger's own answer gave it to some
 * request, so an order this attempt made always stays a candidate, and a request with any candidate left is
 * never submitted again. Never a borrowed success: a candidate is taken only when no other unsettled
 * attempt on the same item could own it (else the verdict is inconclusive), and by one request only (a
 * conditional write).
 */
export async function reconcileAttempt(
  requestId: string,
  candidates: Subscription[],
  deps: {
    ledger: SubscriptionAttribution;
    /** Other unsettled attempts on the same item that could have made this candidate; undefined when unknowable. */
    rivalsFor: (candidate: Subscription) => Promise<string[] | undefined>;
    now: () => Date;
  },
): Promise<ReconcileVerdict> {
  const { ledger, now } = deps;
  if (candidates.length === 0) return { result: 'absent' };
  // Rivals first, then who bought what: a rival that records its answer in between is then seen as the
  // buyer. The other order would miss it (its answer recorded, and its mark removed, between the two reads).
  const rivals = await Promise.all(candidates.map((subscription) => deps.rivalsFor(subscription)));
  const bought = await ledger.subscriptionsBoughtByAnswer(candidates.map((subscription) => subscription.id));
  const unexplained = candidates.flatMap((subscription, index) => (bought.has(subscription.id) ? [] : [{ subscription, rivals: rivals[index] }]));
  if (unexplained.length === 0) return { result: 'absent' };
  for (const { subscription, rivals: others } of unexplained) {
    if (others === undefined || others.some((rival) => rival !== requestId)) continue;
    if (await ledger.claimSubscription(subscription.id, requestId, now())) return { result: 'found', subscription };
  }
  return { result: 'inconclusive', candidates: unexplained.length };
}
