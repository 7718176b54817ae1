import type { RenewalBaseline } from '../order/kinds/renewal.ts';

/**
 * What the account showed for a purchase's key before its first attempt: the VMs that already had the
 * hostname, whether the domain was already in the portfolio, when the subscription was next due.
 */
export type KeyBaseline = { kind: 'vps'; vmIds: number[] } | { kind: 'domain'; inPortfolio: boolean } | ({ kind: 'renewal' } & RenewalBaseline);

export interface PurchaseKeyHold {
  /** `vps:<hostname>`, `domain:<name>`, `renewal:<subscription id>` (see keyName). */
  key: string;
  requestId: string;
  baseline: KeyBaseline;
  heldAt: string;
  releasedAt?: string;
}

/**
 * Purchase keys held by requests. A request holds its key, with the baseline it read, before its first
 * attempt: so one request at a time buys a hostname, a domain or a renewal of a subscription, and an
 * unknown attempt is settled against what the account showed before it.
 */
export interface PurchaseKeyLedger {
  get(key: string): Promise<PurchaseKeyHold | undefined>;
  /** Holds a free (or released) key; if another request holds it, says which. A holder asking again keeps its first baseline. */
  hold(hold: PurchaseKeyHold): Promise<{ held: true; hold: PurchaseKeyHold } | { held: false; holder: string }>;
  /** Frees a key this request holds, once nothing more can be bought under it. */
  release(key: string, requestId: string, now: Date): Promise<void>;
}
