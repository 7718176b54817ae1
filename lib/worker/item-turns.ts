import type { ItemTurnLedger, TurnHold } from '../ledger/item-turn-ledger.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import type { Log } from '../platform/log.ts';
import { spanOf } from '../reconciliation/joint-check.ts';
import { type AttemptWindow, CREATED_AT_RESOLUTION_MS } from '../reconciliation/verdict.ts';
import type { ItemCaution } from '../retry/item-caution.ts';
import { attemptFits, type Deadline } from '../retry/retry-policy.ts';
import type { AttemptTurn, TurnReady } from './attempt-turn.ts';

export interface ItemTurnSettings {
  /** How long an item stays careful after an ambiguous attempt on it (0: never). */
  carefulMs: number;
  clockSkewMs: number;
  lateMs: number;
  /** Hostinger's timeout (an attempt's longest call) and the worker's reserve. */
  timeoutMs: number;
  reserveMs: number;
}

export interface ItemTurnDependencies {
  caution: ItemCaution;
  ledger: ItemTurnLedger;
  settings: ItemTurnSettings;
  log: Log;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random?: () => number;
}

/** How often a request waiting behind an attempt in progress asks again: such a turn usually ends long before its lease. */
export const LEASE_POLL_MS = 25;

/**
 * When the next attempt on an item may start after an ambiguous one: once the span reconciliation reads for
 * it has closed (spanOf), plus the front margin of the next attempt's own span (its `created_at` may read up
 * to a second and the clock skew before its start), so the two spans cannot overlap.
 */
export const clearAfter = (window: AttemptWindow, settings: Pick<ItemTurnSettings, 'clockSkewMs' | 'lateMs'>): number =>
  spanOf('', window, settings).to + settings.clockSkewMs + CREATED_AT_RESOLUTION_MS;

/**
 * A turn taken at `now` ends by itself, so a crashed worker never holds an item for long: once the window its
 * attempt would have if the worker died during the call has closed (its longest call, unanswered, then late
 * work). An attempt that is answered gives its turn back at once; one that ends ambiguous holds it as a block.
 */
export const leaseEnd = (now: number, settings: Pick<ItemTurnSettings, 'timeoutMs' | 'reserveMs' | 'clockSkewMs' | 'lateMs'>): number =>
  clearAfter({ startedAt: now, endedAt: now + settings.timeoutMs + settings.reserveMs, answered: false }, settings);

/** What a request does while the item is someone else's: go anyway, sleep in-process, or come back later. */
export type WhileHeld = { go: true } | { sleepMs: number } | { retryAt: number };

/**
 * The longest a request waits in-process for its turn: a longer wait would hold the rest of its batch, so
 * its message is handed back instead, to look again a second later (a held item is often given back early:
 * an attempt is answered, an ambiguous one settled).
 */
export const SLEEP_AT_MOST_MS = 500;
export const LOOK_AGAIN_MS = 1_000;

/**
 * On the message's last allowed delivery it goes anyway (overlap costs decisiveness, never safety; a deferral
 * would dead-letter it). Behind an attempt in progress (a lease) it asks again soon, in-process; behind an
 * ambiguous attempt (a block) it sleeps through a short wait. `waitedMs`: already waited in this delivery.
 */
export function whileHeld(
  held: { heldUntil: number; hold: TurnHold },
  now: number,
  fits: (waitMs: number) => boolean,
  options: { lastDelivery: boolean; waitedMs: number; jitter?: number },
): WhileHeld {
  if (options.lastDelivery) return { go: true };
  const jitter = options.jitter ?? 0;
  const waitMs = Math.max(0, held.heldUntil - now);
  const sleepMs = (held.hold === 'lease' ? Math.min(waitMs, LEASE_POLL_MS) : waitMs) + jitter;
  if (options.waitedMs + sleepMs <= SLEEP_AT_MOST_MS && fits(sleepMs)) return { sleepMs };
  return { retryAt: (held.hold === 'lease' ? Math.min(held.heldUntil, now + LOOK_AGAIN_MS) : held.heldUntil) + jitter };
}

/** The item a purchase takes turns on: a generic order of one item (VPS, domains and renewals settle by their key). */
export const turnItemOf = (purchase: Purchase): string | undefined => (purchase.kind === undefined && purchase.items.length === 1 ? purchase.items[0]?.item_id : undefined);

type TurnState = 'free' | 'calling' | 'blocked';

/** Turns for each delivery of a request: `owner` names the delivery (its claim token), so a duplicate never gives back another's turn. */
export function createItemTurns(deps: ItemTurnDependencies) {
  const { settings, log } = deps;
  const random = deps.random ?? Math.random;
  return (owner: string, purchase: Purchase, options: { lastDelivery: boolean }): AttemptTurn | undefined => {
    const itemId = turnItemOf(purchase);
    if (itemId === undefined || settings.carefulMs <= 0) return undefined;
    let state: TurnState = 'free';
    const waitReason = `attempts on ${itemId} take turns after an ambiguous one; this one waits for its turn`;

    const begin = async (deadline: Deadline): Promise<TurnReady> => {
      let waited = false;
      const beganAt = deps.now();
      for (;;) {
        const now = deps.now();
        if (state !== 'blocked' && (await deps.caution.carefulUntil(itemId)) <= now) return { go: true, waited };
        let held: Awaited<ReturnType<ItemTurnLedger['take']>>;
        try {
          held = await deps.ledger.take(itemId, owner, leaseEnd(now, settings), now);
        } catch (error) {
          // The turns only spare decisiveness: an unreachable ledger must not hold orders back.
          log.warn('could not take the item turn; attempting without it', { itemId, error: error as Error });
          return { go: true, waited };
        }
        if (held.taken) {
          state = 'calling';
          return { go: true, waited };
        }
        const fits = (waitMs: number) => attemptFits(deadline, waitMs, settings.timeoutMs, settings.reserveMs);
        const decision = whileHeld(held, now, fits, { lastDelivery: options.lastDelivery, waitedMs: now - beganAt, jitter: Math.floor(random() * 50) });
        if ('go' in decision) {
          log.info('attempting without the item turn on the last allowed delivery', { itemId });
          return { go: true, waited };
        }
        if ('retryAt' in decision) return { go: false, retryAt: decision.retryAt, reason: waitReason };
        await deps.sleep(decision.sleepMs);
        waited = true;
      }
    };

    const quietly = (what: string, write: () => Promise<void>) => write().catch((error: unknown) => log.warn(`could not ${what} the item turn`, { itemId, error: error as Error }));

    return {
      begin,
      /** Before anything is written for the delivery: whether the item is blocked for a while by another's ambiguous attempt. */
      async peek() {
        const now = deps.now();
        if ((await deps.caution.carefulUntil(itemId)) <= now) return undefined;
        const held = await deps.ledger.holder(itemId).catch(() => undefined);
        // Behind a lease it goes on and asks for the turn right before its attempt: a lease usually ends in moments.
        if (held?.hold !== 'block' || held.owner === owner || held.heldUntil - now <= SLEEP_AT_MOST_MS || options.lastDelivery) return undefined;
        return { retryAt: held.heldUntil + Math.floor(random() * 50), reason: waitReason };
      },
      async answered() {
        if (state === 'calling') await quietly('give back', () => deps.ledger.release(itemId, owner));
        state = 'free';
      },
      async settled(earlierOwner) {
        if (state === 'blocked') await quietly('give back', () => deps.ledger.release(itemId, owner));
        else if (earlierOwner !== undefined) await quietly('give back', () => deps.ledger.release(itemId, earlierOwner));
        state = 'free';
      },
      async ambiguous(window) {
        state = 'blocked';
        const now = deps.now();
        await Promise.all([
          quietly('mark careful', () => deps.caution.beCareful(itemId, now + settings.carefulMs)),
          quietly('block', () => deps.ledger.block(itemId, owner, clearAfter(window, settings))),
        ]);
      },
    };
  };
}

export type ItemTurns = ReturnType<typeof createItemTurns>;
