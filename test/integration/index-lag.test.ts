import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Outcome } from '../../lib/order/outcome.ts';
import { injectWorkerCrashes } from '../../local/worker-faults.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * DynamoDB's indexes are eventually consistent. With the local DynamoDB's index lag on, a Query on an index
 * does not see items written less than 3 s ago: reconciliation must still never give one request's order
 * to another.
 */
const LAG_MS = 3000;
let t: TestStack;
/** Requests whose worker dies right after the Hostinger call, once: their attempt stays unsettled until the redelivery. */
const crashAfterCall = new Set<string>();

const order = (coupon: string, itemId: string) => ({ items: [{ item_id: itemId, quantity: 1 }], coupons: [coupon] });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  t = await startTestStack({
    worker: { functionTimeoutSeconds: 8 },
    functionEnv: { RECONCILE_INDEX_LAG_MS: String(LAG_MS) },
    decorateWorker: (deps) => injectWorkerCrashes(deps, (point, requestIds) => point === 'afterCall' && requestIds.some((requestId) => crashAfterCall.delete(requestId))),
  });
  t.stack.aws.dynamodb.setIndexLag(LAG_MS);
});
afterAll(async () => {
  await t?.stop();
});

/** The coupon of the order whose subscription a reconciled success names, if any. */
function ownerOf(outcome: Outcome): string | undefined {
  const subscriptionId = outcome.reconciliation?.subscriptionId;
  return t.stack.sandbox?.orders().find((o) => o.order.subscription_id === subscriptionId)?.coupons[0];
}

it('a lost answer does not take the order of a request whose answer is not in the index yet', async () => {
  const item = 'hostingercom-vps-kvm2-usd-1m';
  // R is answered and recorded at once; A, a second later, loses its answer after the order was made.
  t.stack.sandbox?.addFaults([{ fault: 'resetAfterCreate', match: { coupon: 'I-A' } }]);
  await t.sendMessage(JSON.stringify({ requestId: 'i-r', ...order('I-R', item) }));
  await t.waitForOutcome('i-r');
  await sleep(1050);
  await t.sendMessage(JSON.stringify({ requestId: 'i-a', ...order('I-A', item) }));
  const outcome = await t.waitForOutcome('i-a', 30_000);
  // Its own order, or unknown: never R's.
  if (outcome.type === 'order.succeeded') expect(ownerOf(outcome)).toBe('I-A');
  else expect(outcome.type).toBe('order.unknown');
  expect(t.stack.sandbox?.orders().filter((o) => o.coupons.includes('I-A'))).toHaveLength(1);
}, 60_000);

it('a lost answer does not take the order of a rival whose unsettled mark is not in the index yet', async () => {
  const item = 'hostingercom-hosting-premium-usd-1m';
  // R's order is made and its worker dies before recording anything: R stays unsettled, its mark too new for
  // the index. A, a second later, loses its answer after its order was made.
  crashAfterCall.add('j-r');
  t.stack.sandbox?.addFaults([{ fault: 'resetAfterCreate', match: { coupon: 'J-A' } }]);
  await t.sendMessage(JSON.stringify({ requestId: 'j-r', ...order('J-R', item) }));
  await sleep(1050);
  await t.sendMessage(JSON.stringify({ requestId: 'j-a', ...order('J-A', item) }));
  const outcomes = await Promise.all([t.waitForOutcome('j-r', 45_000), t.waitForOutcome('j-a', 45_000)]);
  for (const outcome of outcomes) {
    if (outcome.type === 'order.succeeded') expect(ownerOf(outcome), outcome.requestId).toBe(outcome.requestId.toUpperCase());
    else expect(outcome.type).toBe('order.unknown');
  }
}, 60_000);
