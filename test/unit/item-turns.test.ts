import { describe, expect, it } from 'vitest';
import type { ItemTurnLedger, TurnHold } from '../../lib/ledger/item-turn-ledger.ts';
import type { Purchase } from '../../lib/order/kinds/purchase.ts';
import { createItemTurns, LEASE_POLL_MS, LOOK_AGAIN_MS, SLEEP_AT_MOST_MS, turnItemOf, whileHeld } from '../../lib/worker/item-turns.ts';
import { collectingLog } from '../support/log.ts';

const T = 1_000_000;
const ITEM = 'hostingercom-hosting-premium-usd-1m';
const order = { items: [{ item_id: ITEM, quantity: 1 }] } as Purchase;
const deadline = { remainingMs: () => 60_000 };
const settings = { carefulMs: 60_000, clockSkewMs: 100, lateMs: 2_500, timeoutMs: 800, reserveMs: 500 };
const fitsAlways = () => true;

describe('whileHeld: what a request does while its item is held by another', () => {
  const lease = (heldUntil: number) => ({ heldUntil, hold: 'lease' as TurnHold });
  const block = (heldUntil: number) => ({ heldUntil, hold: 'block' as TurnHold });

  it('goes anyway on the last allowed delivery (a deferral would dead-letter it)', () => {
    expect(whileHeld(block(T + 60_000), T, fitsAlways, { lastDelivery: true, waitedMs: 0 })).toEqual({ go: true });
  });

  it('polls a lease in-process, a few milliseconds at a time, while its in-process wait stays short', () => {
    expect(whileHeld(lease(T + 1_300), T, fitsAlways, { lastDelivery: false, waitedMs: 0 })).toEqual({ sleepMs: LEASE_POLL_MS });
    expect(whileHeld(lease(T + 10), T, fitsAlways, { lastDelivery: false, waitedMs: 0, jitter: 7 })).toEqual({ sleepMs: 17 });
    // An ended lease (given back between two reads) is asked for again at once.
    expect(whileHeld(lease(0), T, fitsAlways, { lastDelivery: false, waitedMs: 0 })).toEqual({ sleepMs: 0 });
  });

  it('hands a request back once it has waited its share in-process, to look again a second later (or at the lease’s end)', () => {
    expect(whileHeld(lease(T + 5_000), T, fitsAlways, { lastDelivery: false, waitedMs: SLEEP_AT_MOST_MS })).toEqual({ retryAt: T + LOOK_AGAIN_MS });
    expect(whileHeld(lease(T + 300), T, fitsAlways, { lastDelivery: false, waitedMs: SLEEP_AT_MOST_MS })).toEqual({ retryAt: T + 300 });
  });

  it('sleeps through a short block, and comes back when a long one ends', () => {
    expect(whileHeld(block(T + 400), T, fitsAlways, { lastDelivery: false, waitedMs: 0 })).toEqual({ sleepMs: 400 });
    expect(whileHeld(block(T + 3_700), T, fitsAlways, { lastDelivery: false, waitedMs: 0, jitter: 5 })).toEqual({ retryAt: T + 3_705 });
  });

  it('never sleeps past what the invocation can still afford', () => {
    expect(whileHeld(block(T + 400), T, () => false, { lastDelivery: false, waitedMs: 0 })).toEqual({ retryAt: T + 400 });
  });
});

describe('turnItemOf', () => {
  it('names the item of a generic order of one item, and nothing for several items or a VPS, domain or renewal', () => {
    expect(turnItemOf(order)).toBe(ITEM);
    expect(
      turnItemOf({
        items: [
          { item_id: ITEM, quantity: 1 },
          { item_id: 'x', quantity: 1 },
        ],
      } as Purchase),
    ).toBeUndefined();
    expect(turnItemOf({ kind: 'domain', domain: 'a.com', item_id: 'hostingercom-domain-com-usd-1y' } as Purchase)).toBeUndefined();
  });
});

/** The ledger's rules in memory (test/ledger/item-turn-ledger.test.ts holds the DynamoDB one to them), counting writes. */
function memoryTurnLedger(options: { unreachable?: boolean } = {}) {
  let turn: { owner: string; heldUntil: number; hold: TurnHold } | undefined;
  const counts = { writes: 0 };
  const reach = () => {
    if (options.unreachable) throw new Error('ledger unreachable');
  };
  const ledger: ItemTurnLedger = {
    async holder() {
      reach();
      return turn && { ...turn };
    },
    async take(_itemId, owner, until, now) {
      reach();
      counts.writes += 1;
      if (!turn || turn.heldUntil <= now || (turn.owner === owner && turn.hold === 'lease')) {
        turn = { owner, heldUntil: until, hold: 'lease' };
        return { taken: true };
      }
      return { taken: false, heldUntil: turn.heldUntil, hold: turn.hold };
    },
    async block(_itemId, owner, until) {
      reach();
      counts.writes += 1;
      if (!turn || turn.heldUntil < until || (turn.owner === owner && turn.hold === 'lease')) turn = { owner, heldUntil: until, hold: 'block' };
    },
    async release(_itemId, owner) {
      reach();
      counts.writes += 1;
      if (turn?.owner === owner) turn = { ...turn, heldUntil: 0 };
    },
  };
  return { ledger, counts, current: () => turn };
}

function turnsWith(ledger: ItemTurnLedger, options: { careful: boolean; carefulMs?: number }) {
  const clock = { now: T };
  const log = collectingLog();
  const marked: number[] = [];
  const turns = createItemTurns({
    caution: { carefulUntil: async () => (options.careful ? clock.now + 60_000 : 0), beCareful: async (_item, until) => void marked.push(until) },
    ledger,
    settings: { ...settings, carefulMs: options.carefulMs ?? settings.carefulMs },
    log,
    sleep: async (ms) => void (clock.now += ms),
    now: () => clock.now,
    random: () => 0,
  });
  const of = (owner: string) => {
    const turn = turns(owner, order, { lastDelivery: false });
    if (!turn) throw new Error('a generic order of one item takes turns');
    return turn;
  };
  return { of, clock, log, marked, turns };
}

describe('createItemTurns', () => {
  it('costs nothing outside careful mode: no write, no wait', async () => {
    const memory = memoryTurnLedger();
    const { of } = turnsWith(memory.ledger, { careful: false });
    const turn = of('a');
    await expect(turn.peek()).resolves.toBeUndefined();
    await expect(turn.begin(deadline)).resolves.toEqual({ go: true, waited: false });
    await turn.answered();
    expect(memory.counts.writes).toBe(0);
  });

  it('is off with RECONCILE_CAREFUL_SECONDS=0', () => {
    const { turns } = turnsWith(memoryTurnLedger().ledger, { careful: true, carefulMs: 0 });
    expect(turns('a', order, { lastDelivery: false })).toBeUndefined();
  });

  it('lets one attempt at a time call Hostinger in careful mode; the next goes once the first is answered', async () => {
    const memory = memoryTurnLedger();
    const { of, clock } = turnsWith(memory.ledger, { careful: true });
    const [a, b] = [of('a'), of('b')];
    await expect(a.begin(deadline)).resolves.toEqual({ go: true, waited: false });
    // b polls a's lease in-process, then is handed back a second later: a never answers here.
    await expect(b.begin(deadline)).resolves.toMatchObject({ go: false, retryAt: expect.any(Number) });
    await a.answered();
    clock.now += 10;
    await expect(b.begin(deadline)).resolves.toEqual({ go: true, waited: false });
  });

  it('holds the item after an ambiguous attempt, marks it careful, and frees it once that attempt is settled', async () => {
    const memory = memoryTurnLedger();
    const { of, clock, marked } = turnsWith(memory.ledger, { careful: true });
    const [a, b] = [of('a'), of('b')];
    await a.begin(deadline);
    clock.now += 50;
    await a.ambiguous({ startedAt: T, endedAt: clock.now, answered: false });
    expect(marked).toEqual([clock.now + settings.carefulMs]);
    expect(memory.current()).toMatchObject({ owner: 'a', hold: 'block' });
    // Held for seconds: b is told to come back before anything is written for its delivery.
    const held = await b.peek();
    expect(held?.retryAt).toBe(memory.current()?.heldUntil);
    await a.settled();
    await expect(b.peek()).resolves.toBeUndefined();
    await expect(b.begin(deadline)).resolves.toEqual({ go: true, waited: false });
  });

  it('peeks past a lease (it usually ends in moments: the request asks for its turn right before its attempt)', async () => {
    const memory = memoryTurnLedger();
    const { of } = turnsWith(memory.ledger, { careful: true });
    await of('a').begin(deadline);
    expect(memory.current()).toMatchObject({ owner: 'a', hold: 'lease' });
    await expect(of('b').peek()).resolves.toBeUndefined();
  });

  it('does not peek past its own turn', async () => {
    const memory = memoryTurnLedger();
    const { of } = turnsWith(memory.ledger, { careful: true });
    const a = of('a');
    await a.begin(deadline);
    await expect(a.peek()).resolves.toBeUndefined();
  });

  it('goes ahead without its turn when the ledger cannot be reached, and says so', async () => {
    const { of, log } = turnsWith(memoryTurnLedger({ unreachable: true }).ledger, { careful: true });
    const a = of('a');
    await expect(a.peek()).resolves.toBeUndefined();
    await expect(a.begin(deadline)).resolves.toEqual({ go: true, waited: false });
    expect(log.lines.some((line) => line.level === 'warn' && line.message.includes('item turn'))).toBe(true);
  });
});
