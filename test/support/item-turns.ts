import type { ItemTurnLedger } from '../../lib/ledger/item-turn-ledger.ts';
import { createItemTurns, type ItemTurnSettings } from '../../lib/worker/item-turns.ts';
import type { TestStack } from './local-stack.ts';
import { collectingLog } from './log.ts';

/**
 * Item turns on a clock the test moves (sleeping moves it too), in careful mode unless `careful` is false (a
 * container whose cached gate has not seen the item turn careful yet).
 */
export function turnsOnClock(ledger: ItemTurnLedger, clock: { now: number }, settings: ItemTurnSettings, options: { careful?: boolean } = {}) {
  return createItemTurns({
    caution: { carefulUntil: async () => (options.careful === false ? 0 : clock.now + settings.carefulMs), beCareful: async () => undefined },
    ledger,
    settings,
    log: collectingLog(),
    sleep: async (ms) => void (clock.now += ms),
    now: () => clock.now,
    random: () => 0,
  });
}

const PREMIUM = 'hostingercom-hosting-premium-usd-12m';
/** PayPal never leaves an order awaiting payment: a purchase shows as a subscription at once, and an attempt that bought nothing is retried. */
const PAYPAL = 1327363;
const order = (coupon: string) => ({ payment_method_id: PAYPAL, items: [{ item_id: PREMIUM, quantity: 1 }], coupons: [coupon] });
/** A short patience: without turns the two checks below can only wait for each other, then end unknown. */
export const functionEnv = { RECONCILE_PATIENCE_SECONDS: '3' };

/**
 * Two identical purchases a moment apart during an incident: the first is answered 502 by a gateway before
 * Hostinger made anything (so its check waits RECONCILE_LATE_MS for a late order; on PayPal it is retried once
 * nothing is found), the second loses its answer after Hostinger made its order, inside the first one's
 * window. Without turns the windows overlap around one new subscription, which either could have made.
 */
export async function lostAnswersAMomentApart(t: TestStack, tag: string) {
  t.stack.sandbox?.addFaults([
    { fault: 'error502', times: 1, match: { coupon: `${tag}-A` } },
    { fault: 'resetAfterCreate', times: 1, match: { coupon: `${tag}-B` } },
  ]);
  const a = await t.postOrder(order(`${tag}-A`));
  await new Promise((resolve) => setTimeout(resolve, 150));
  const b = await t.postOrder(order(`${tag}-B`));
  return Promise.all([a, b].map((answer) => t.waitForOutcome(answer.json.requestId as string, 60_000)));
}
