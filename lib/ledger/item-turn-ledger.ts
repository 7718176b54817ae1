/**
 * Who may call Hostinger next for one catalog item, when attempts on it take turns (careful mode, after an
 * ambiguous attempt on it). `lease`: an attempt in progress holds the item until its longest possible end;
 * `block`: an ambiguous attempt holds it until its window has closed.
 */
export type TurnHold = 'lease' | 'block';

export type TurnTaken = { taken: true } | { taken: false; heldUntil: number; hold: TurnHold };

export interface ItemTurnLedger {
  /**
   * Takes the item's turn until `until` (epoch ms) if nobody holds it at `now`, or if `owner` already holds its
   * lease (so a write whose reply was lost, when retried, finds its own turn). Its own block holds it off too.
   */
  take(itemId: string, owner: string, until: number, now: number): Promise<TurnTaken>;
  /**
   * Holds the item until `until`, whoever holds it now, unless another's hold already holds it longer (`owner`'s
   * own lease, its attempt over, always gives way). Whichever hold is given back first, the item stays held
   * until the others' ends: neither a lease's owner, answered, nor another block's owner, settled, frees it
   * inside this window.
   */
  block(itemId: string, owner: string, until: number): Promise<void>;
  /** Who holds the item's turn now, and until when (read consistently); undefined when nobody ever did. */
  holder(itemId: string): Promise<{ owner: string; heldUntil: number; hold: TurnHold } | undefined>;
  /** Gives back a turn or block `owner` holds, down to the other holds the item carries; nothing if it holds none (released already, or held by someone else since). */
  release(itemId: string, owner: string): Promise<void>;
}
