/**
 * Settles several unsettled attempts on the same catalog item together: a burst of identical purchases
 * whose answers were all lost (or all 5xx) during an incident. One attempt alone cannot tell which of the
 * new subscriptions is its own, but the group can count: if there are as many unexplained purchases as
 * attempts (and each attempt can be paired with one made during its window), every attempt bought; if
 * there are none, none did. Pure: the caller gathers the attempts and purchases and writes the claims.
 */

/** When an attempt could have made a purchase (epoch ms, inclusive), and whether it can still get an answer. */
export interface AttemptSpan {
  requestId: string;
  from: number;
  to: number;
  /** Still in flight: its own answer may yet say what it bought, so nobody counts for it. */
  open: boolean;
}

/** A purchase nobody has explained yet (no answer gave it to a request, no reconciliation took it). */
export interface UnexplainedPurchase {
  id: string;
  createdAt: number;
}

export interface JointOptions {
  /**
   * The account is shared with people who buy the same items by hand: a surplus of purchases is then not
   * taken as evidence (a hand-bought one could stand in for an attempt that bought nothing).
   */
  sharedAccount: boolean;
}

export type JointVerdict =
  /** Every attempt of the group bought; this one is paired with `purchaseId`. */
  | { result: 'bought'; purchaseId: string; group: number }
  /** No purchase could be this attempt's. */
  | { result: 'absent' }
  /** An attempt of the group may still be answered: look again once it is. */
  | { result: 'wait'; reason: string }
  /** Fewer purchases than attempts (or a surplus on a shared account): which attempts bought cannot be told. */
  | { result: 'shortfall'; attempts: number; purchases: number };

const covers = (attempt: AttemptSpan, purchase: UnexplainedPurchase) => purchase.createdAt >= attempt.from && purchase.createdAt <= attempt.to;

/** The attempts and purchases linked to `self` through "could have made": the only ones that bear on it. */
function groupOf(self: AttemptSpan, attempts: AttemptSpan[], purchases: UnexplainedPurchase[]) {
  const members = new Set<AttemptSpan>([self]);
  const made = new Set<UnexplainedPurchase>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const purchase of purchases) {
      if (!made.has(purchase) && [...members].some((attempt) => covers(attempt, purchase))) {
        made.add(purchase);
        grew = true;
      }
    }
    for (const attempt of attempts) {
      if (!members.has(attempt) && [...made].some((purchase) => covers(attempt, purchase))) {
        members.add(attempt);
        grew = true;
      }
    }
  }
  return { members: [...members], made: [...made] };
}

/**
 * Pairs purchases with attempts, as many as possible, deterministically (every worker computes the same
 * pairs from the same records): purchases oldest first, each to the waiting attempt whose window closes
 * soonest. For windows and points this greedy pairing is a maximum one.
 */
export function pairPurchases(attempts: AttemptSpan[], purchases: UnexplainedPurchase[]): Map<string, string> {
  const pairs = new Map<string, string>();
  const sortedPurchases = [...purchases].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  const waiting = [...attempts].sort((a, b) => a.to - b.to || a.from - b.from || a.requestId.localeCompare(b.requestId));
  for (const purchase of sortedPurchases) {
    const index = waiting.findIndex((attempt) => covers(attempt, purchase));
    if (index === -1) continue;
    const [attempt] = waiting.splice(index, 1);
    if (attempt) pairs.set(attempt.requestId, purchase.id);
  }
  return pairs;
}

/**
 * The size of a largest matching of purchases to attempts that could have made them (Kuhn's augmenting
 * paths: groups are a few dozen at most), leaving out one attempt and one purchase when asked.
 */
function largestMatching(attempts: AttemptSpan[], purchases: UnexplainedPurchase[]): number {
  const matchedTo = new Map<string, AttemptSpan>();
  const augment = (purchase: UnexplainedPurchase, seen: Set<AttemptSpan>): boolean => {
    for (const attempt of attempts) {
      if (seen.has(attempt) || !covers(attempt, purchase)) continue;
      seen.add(attempt);
      const holder = [...matchedTo.entries()].find(([, held]) => held === attempt);
      // A free attempt, or one whose purchase can move to another attempt (which the call records).
      if (!holder || augment(purchases.find((p) => p.id === holder[0]) as UnexplainedPurchase, seen)) {
        matchedTo.set(purchase.id, attempt);
        return true;
      }
    }
    return false;
  };
  return purchases.filter((purchase) => augment(purchase, new Set())).length;
}

/**
 * The verdict for `selfId` among the unsettled attempts on one item (itself included) and the unexplained
 * purchases of that item. Every purchase was made by one attempt that could have made it, so the attempts
 * that bought are matched one to one with all the purchases: an attempt in every such matching bought; any
 * other cannot be told yet. `absent` only when no purchase is within reach of the group at all. Never a
 * second purchase: an attempt that bought always has its own purchase within reach. Never a purchase
 * credited that did not happen, unless purchases were made outside the pipeline: then only towards
 * "bought", and `sharedAccount` refuses to count a surplus.
 */
export function jointVerdict(selfId: string, attempts: AttemptSpan[], purchases: UnexplainedPurchase[], options: JointOptions): JointVerdict {
  const self = attempts.find((attempt) => attempt.requestId === selfId);
  if (!self) throw new Error(`attempt ${selfId} is not among the attempts given`);
  const { members, made } = groupOf(self, attempts, purchases);
  if (made.length === 0) return { result: 'absent' };
  const open = members.filter((attempt) => attempt.open && attempt !== self);
  if (open.length > 0) return { result: 'wait', reason: `${open.length} other attempt(s) on this item are still in flight` };
  const shortfall: JointVerdict = { result: 'shortfall', attempts: members.length, purchases: made.length };
  const others = members.filter((attempt) => attempt !== self);

  if (largestMatching(members, made) < made.length) {
    // More purchases than the attempts can explain: some were made outside the pipeline. Only a full pairing
    // of every attempt counts then (all bought), and not at all on a shared account.
    const pairs = pairPurchases(members, made);
    const purchaseId = pairs.get(selfId);
    return pairs.size === members.length && purchaseId !== undefined && !options.sharedAccount ? { result: 'bought', purchaseId, group: members.length } : shortfall;
  }
  // Self could have made a purchase of the group, so it is in some full matching (swap it in for whoever has
  // that purchase): it cannot be shown absent. It surely bought when the others cannot explain every purchase.
  if (largestMatching(others, made) === made.length) return shortfall;
  // Self is in every matching, so in the deterministic largest one too: every worker pairs it the same way.
  const purchaseId = pairPurchases(members, made).get(selfId);
  return purchaseId === undefined ? shortfall : { result: 'bought', purchaseId, group: members.length };
}
