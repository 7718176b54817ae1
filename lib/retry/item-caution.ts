/**
 * Catalog items in careful mode, for the whole fleet: after an attempt on an item ended ambiguous (a lost
 * answer, a 5xx), attempts on that item take turns for a while, so their windows cannot overlap.
 */
export interface ItemCaution {
  /** Epoch ms until which attempts on the item take turns (0 when they need not). */
  carefulUntil(itemId: string): Promise<number>;
  /** Puts the item in careful mode until `until`, for everyone. */
  beCareful(itemId: string, until: number): Promise<void>;
}
