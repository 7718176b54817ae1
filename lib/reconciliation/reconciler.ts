import type { CatalogCache } from '../catalog/catalog-cache.ts';
import { type BillingReader, type CatalogPrice, endpointMissing, type Subscription } from '../hostinger/billing-reader.ts';
import type { TokenSource } from '../hostinger/token-source.ts';
import type { OrderRequest } from '../order/order-request.ts';
import type { Log } from '../platform/log.ts';
import type { Deadline } from '../retry/retry-policy.ts';
import { type JointCheckDependencies, settleJointly } from './joint-check.ts';
import {
  type AttemptWindow,
  CREATED_AT_RESOLUTION_MS,
  candidateSubscriptions,
  matchesKey,
  mayFinishLate,
  type ReconcileVerdict,
  reconcileAttempt,
  type SubscriptionKey,
  subscriptionKeyFor,
} from './verdict.ts';

export interface ReconcilerSettings {
  /** How far our clock and Hostinger's may disagree. */
  clockSkewMs: number;
  /** How long after we stopped waiting Hostinger may still create an order. */
  lateMs: number;
  /** Wait after the window before looking, so concurrent workers have recorded the orders they were told about. */
  settleMs: number;
  /**
   * How far the unsettled-attempts index may lag behind the table (DynamoDB's indexes are eventually
   * consistent): rivals are looked up only once every attempt that could have made a candidate is visible.
   */
  indexLagMs: number;
  /** How long an attempt's check may wait for rival attempts on the same item to settle before ending unknown. */
  patienceMs: number;
  /** The account is shared with people who buy the same items by hand: a surplus of purchases is no evidence. */
  sharedAccount: boolean;
}

export interface ReconcilerDependencies {
  log: Log;
  billing: BillingReader;
  /** The catalog tells what subscription an item makes. */
  catalog: CatalogCache;
  ledger: JointCheckDependencies['ledger'];
  token: TokenSource;
  settings: ReconcilerSettings;
  /** Timeout of one read; each reconciliation reads twice at most. */
  timeoutMs: number;
  reserveMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** `finalLook`: the last chance to decide (the message's last allowed delivery): no deferral, whatever is in flight. */
export type Reconcile = (requestId: string, order: OrderRequest, window: AttemptWindow, deadline: Deadline, options?: { finalLook?: boolean }) => Promise<ReconcileVerdict>;

/**
 * Waits until the account can show what an attempt did (after any late work Hostinger may still do, and time
 * for other workers to record their answers); a deferral when the invocation has no time left to look.
 */
export async function waitToLook(
  window: AttemptWindow,
  deadline: Deadline,
  deps: Pick<ReconcilerDependencies, 'settings' | 'timeoutMs' | 'reserveMs' | 'sleep' | 'now'>,
): Promise<ReconcileVerdict | undefined> {
  const { settings } = deps;
  const lookAt = window.endedAt + (mayFinishLate(window) ? settings.lateMs : 0) + settings.settleMs;
  const waitMs = Math.max(0, lookAt - deps.now());
  if (deadline.remainingMs() < waitMs + 2 * deps.timeoutMs + deps.reserveMs) {
    // The check can run from `lookAt` on: the next delivery is due then, not after the whole visibility timeout.
    return { result: 'deferred', reason: 'not enough time left to check the account for the order; it is checked on the next delivery', retryAt: lookAt };
  }
  if (waitMs > 0) await deps.sleep(waitMs);
  return undefined;
}

/** Wires reconciliation to Hostinger's reads, the ledger and the invocation's deadline. */
export function createReconciler(deps: ReconcilerDependencies): Reconcile {
  const { settings } = deps;
  async function catalogPrice(itemId: string): Promise<CatalogPrice | undefined> {
    try {
      return (await deps.catalog.prices()).get(itemId);
    } catch (error) {
      // Without the catalog every subscription in the window is a candidate: coarser, still safe.
      deps.log.warn('catalog unavailable for reconciliation', { error: error as Error });
      return undefined;
    }
  }

  return async (requestId, order, window, deadline, options = {}) => {
    const tooLate = await waitToLook(window, deadline, deps);
    if (tooLate) return tooLate;
    const itemId = order.items[0]?.item_id;
    let key: SubscriptionKey | undefined;
    let subscriptions: Subscription[];
    try {
      const token = await deps.token();
      key = subscriptionKeyFor(itemId === undefined ? undefined : await catalogPrice(itemId));
      subscriptions = await deps.billing.subscriptions(token);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // Only an API without a subscriptions list means "no evidence, ever". Anything passing (the token
      // unreadable, a 5xx, a timeout) leaves the attempt marked: the next delivery looks again, and no
      // order is tried before it has.
      if (!endpointMissing(error)) return { result: 'deferred', reason: `the account's subscriptions could not be checked now (${reason})` };
      deps.log.warn('this API has no subscriptions list: unknown attempts cannot be checked', { requestId, error: error as Error });
      return { result: 'unavailable', reason: `the account's subscriptions could not be checked (${reason})` };
    }
    const candidates = candidateSubscriptions(subscriptions, window, key, settings);
    // Attempts on the same item (or on several items) that started close enough to a candidate's creation to have made it.
    const reachBefore = deps.timeoutMs + settings.lateMs + settings.clockSkewMs;
    const reachAfter = settings.clockSkewMs + CREATED_AT_RESOLUTION_MS;
    // A rival that made a candidate marked its attempt before reachAfter past the candidate's creation; the
    // index shows that mark indexLagMs later at most. Looking earlier could miss it and take its order.
    const rivalsVisibleAt = Math.max(0, ...candidates.map((candidate) => Date.parse(candidate.created_at) + reachAfter + settings.indexLagMs));
    const lagWaitMs = rivalsVisibleAt - deps.now();
    if (lagWaitMs > 0) {
      if (deadline.remainingMs() < lagWaitMs + deps.timeoutMs + deps.reserveMs) {
        return { result: 'deferred', reason: 'the attempts that could own an order found are not all visible yet; it is checked on the next delivery', retryAt: rivalsVisibleAt };
      }
      await deps.sleep(lagWaitMs);
    }
    const rivalsFor = async (candidate: { created_at: string }) => {
      if (!key || itemId === undefined) return undefined;
      const created = Date.parse(candidate.created_at);
      const rivals = await deps.ledger.unsettledAttempts(itemId, created - reachBefore, created + reachAfter);
      return rivals.map((rival) => rival.requestId);
    };
    let verdict = await reconcileAttempt(requestId, candidates, { ledger: deps.ledger, rivalsFor, now: () => new Date(deps.now()) });
    // Rivals on the same item may own the candidates: reason about all of them together (one order line only:
    // such an order makes one subscription).
    if (verdict.result === 'inconclusive' && key && itemId !== undefined && order.items.length === 1) {
      const keyed = subscriptions.filter((subscription) => matchesKey(subscription, key));
      verdict = await settleJointly(requestId, window, itemId, keyed, { ledger: deps.ledger, settings, timeoutMs: deps.timeoutMs, now: deps.now }, options);
    }
    deps.log.info('reconciled an unknown attempt', { requestId, result: verdict.result, candidates: candidates.map((c) => c.id), window });
    return verdict;
  };
}
