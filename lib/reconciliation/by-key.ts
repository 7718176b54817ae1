import { type BillingReader, endpointMissing } from '../hostinger/billing-reader.ts';
import type { ProvisioningReader } from '../hostinger/provisioning-reader.ts';
import type { TokenSource } from '../hostinger/token-source.ts';
import type { PurchaseKeyLedger } from '../ledger/purchase-key-ledger.ts';
import { asOrder, keyName, type Purchase, type PurchaseKey, purchaseKey } from '../order/kinds/purchase.ts';
import type { FieldErrors } from '../order/order-request.ts';
import type { OutcomeStatus } from '../order/outcome.ts';
import type { Deadline } from '../retry/retry-policy.ts';
import { baselineOf, type KeyFacts, keyField, settleByKey } from './key-verdict.ts';
import { type Reconcile, type ReconcilerDependencies, waitToLook } from './reconciler.ts';
import { type AttemptWindow, keyMissesLostAnswer, type ReconcileVerdict } from './verdict.ts';

/** What one request's attempts have shown so far, for settling by key. */
export interface AttemptNotes {
  /** An attempt of this request may have bought (its answer lost, or a 5xx). */
  uncertain: boolean;
  /** A domain purchase met "not available" after such an attempt: the registration is most likely ours. */
  domainTaken: boolean;
}

/** Reconciliation of any kind: a generic order by the subscriptions list, the others by their key. */
export type ReconcilePurchase = (
  requestId: string,
  purchase: Purchase,
  window: AttemptWindow,
  deadline: Deadline,
  notes?: AttemptNotes,
  options?: { finalLook?: boolean },
) => Promise<ReconcileVerdict>;

export type Prepared = { ready: true } | { rejected: FieldErrors } | { retry: string };

export interface KeyedPurchases {
  /**
   * Before a request's first attempt: reads what the account shows for its key, refuses a key already taken,
   * and holds the key with that baseline. Reads nothing once the request holds its key.
   */
  prepare(requestId: string, purchase: Purchase): Promise<Prepared>;
  reconcile: ReconcilePurchase;
  /** Frees the key once nothing more can be bought under it: a renewal when it ends (not pending); a VPS or domain when it bought nothing. */
  release(requestId: string, purchase: Purchase, status: OutcomeStatus, now: Date): Promise<void>;
}

export interface KeyedPurchaseDependencies extends Pick<ReconcilerDependencies, 'log' | 'settings' | 'timeoutMs' | 'reserveMs' | 'sleep' | 'now'> {
  billing: Pick<BillingReader, 'subscriptions'>;
  provisioning: Pick<ProvisioningReader, 'virtualMachines' | 'portfolio'>;
  keys: PurchaseKeyLedger;
  token: TokenSource;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createKeyedPurchases(deps: KeyedPurchaseDependencies): KeyedPurchases {
  async function facts(key: PurchaseKey): Promise<KeyFacts> {
    const token = await deps.token();
    switch (key.kind) {
      case 'vps':
        return { virtualMachines: await deps.provisioning.virtualMachines(token) };
      case 'domain':
        return { portfolio: await deps.provisioning.portfolio(token) };
      case 'renewal':
        return { subscriptions: await deps.billing.subscriptions(token) };
    }
  }

  return {
    async prepare(requestId, purchase) {
      const key = purchaseKey(purchase, requestId);
      if (!key) return { ready: true };
      const name = keyName(key);
      const current = await deps.keys.get(name);
      const takenBy = (holder: string): Prepared => ({
        rejected: { [keyField(key)]: [`${name.slice(name.indexOf(':') + 1)} is being bought by request ${holder}; one request at a time buys a key`] },
      });
      if (current && current.releasedAt === undefined) return current.requestId === requestId ? { ready: true } : takenBy(current.requestId);
      let read: KeyFacts;
      try {
        read = await facts(key);
      } catch (error) {
        return { retry: `the account could not be read before the first attempt (${reasonOf(error)})` };
      }
      const baseline = baselineOf(key, read);
      if ('refused' in baseline) return { rejected: baseline.refused };
      const held = await deps.keys.hold({ key: name, requestId, baseline: baseline.baseline, heldAt: new Date(deps.now()).toISOString() });
      return held.held ? { ready: true } : takenBy(held.holder);
    },

    async reconcile(requestId, purchase, window, deadline, notes) {
      const key = purchaseKey(purchase, requestId);
      if (!key) throw new Error('a generic order is reconciled by its subscriptions, not by a key');
      const name = keyName(key);
      const tooLate = await waitToLook(window, deadline, deps);
      if (tooLate) return tooLate;
      const held = await deps.keys.get(name);
      // The key is held before any attempt: without this request's hold, none of its attempts was ever made.
      if (!held || held.requestId !== requestId) return { result: 'absent', definitive: true };
      let read: KeyFacts;
      try {
        read = await facts(key);
      } catch (error) {
        if (!endpointMissing(error)) return { result: 'deferred', reason: `the account could not be checked for ${name} now (${reasonOf(error)})` };
        return { result: 'unavailable', reason: `the account cannot be checked for ${name} (${reasonOf(error)})` };
      }
      const settled = settleByKey(key, held.baseline, read, deps.now());
      deps.log.info('settled an unknown attempt by its key', { requestId, key: name, found: settled.found, window });
      if (settled.found) return { result: 'found', key: name, bought: settled.bought, ...(settled.subscriptionId ? { subscriptionId: settled.subscriptionId } : {}) };
      if (settled.ambiguous) return { result: 'inconclusive', candidates: 1, reason: settled.ambiguous };
      if (key.kind === 'domain' && notes?.domainTaken) {
        // Hostinger said the name is taken, after an attempt of ours that may have registered it; the portfolio
        // has not caught up. Taken to be ours: trying again could never register it, and a refusal would be false.
        return { result: 'found', key: name, bought: { domain: { domain: key.domain, status: null } } };
      }
      // Nothing to find is certain only after an answer (a 5xx).
      return keyMissesLostAnswer(purchase, window) ? { result: 'absent' } : { result: 'absent', definitive: true };
    },

    async release(requestId, purchase, status, now) {
      const key = purchaseKey(purchase, requestId);
      // Unknown or pending, it may still be bought: a pending renewal's follow-up frees its key when its payment ends.
      if (!key || status === 'unknown' || status === 'pending') return;
      const boughtNothing = status === 'rejected' || status === 'failed';
      if (key.kind === 'renewal' || boughtNothing) await deps.keys.release(keyName(key), requestId, now);
    },
  };
}

/** Dispatches reconciliation by kind: the generic order's reconciler, or settlement by key. */
export function reconcileByKind(generic: Reconcile, keyed: Pick<KeyedPurchases, 'reconcile'>): ReconcilePurchase {
  return async (requestId, purchase, window, deadline, notes, options) => {
    if (purchase.kind === undefined) return generic(requestId, purchase, window, deadline, options);
    const verdict = await keyed.reconcile(requestId, purchase, window, deadline, notes);
    // A domain found in the portfolio names no subscription, yet its registration started one: the generic
    // reconciliation attributes it to this request when it can tell (one unexplained candidate, no rival),
    // so that no generic order of the same item can take it for its own.
    if (verdict.result !== 'found' || purchase.kind !== 'domain' || verdict.subscriptionId !== undefined) return verdict;
    const attribution = await generic(requestId, asOrder(purchase), window, deadline, options);
    return attribution.result === 'found' && attribution.subscription ? { ...verdict, subscription: attribution.subscription } : verdict;
  };
}
