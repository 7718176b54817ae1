import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * A domain someone else registered long ago ("taken…" in the sandbox), bought on PayPal. The first attempt's
 * connection is reset before Hostinger read it (nothing bought); its check by the portfolio finds nothing, so
 * it is retried; Hostinger answers "not available", which after an uncertain attempt is taken to be our own
 * registration: the request ends order.succeeded for a domain the account does not own and never paid for
 * (its budget stays spent, its key stays held).
 *
 * Not fixed: "not available" after an attempt already settled absent by the portfolio proves nothing either way
 * (ours with a lagging portfolio, or someone else's); the honest outcome is order.unknown, settled later by the
 * follow-up's look at the portfolio. That reverses a tested choice of the kinds work
 * (test/unit/purchase-kinds.test.ts, '"not available" after an uncertain attempt is our own registration'),
 * so it is left to its owner; kept as `it.fails` to document the gap.
 */
const PAYPAL = 1327363;
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

describe('a domain registered elsewhere, after a lost first attempt', () => {
  it.fails('is not reported bought', async () => {
    t.stack.sandbox?.addFaults([{ fault: 'reset', match: { path: '/api/domains/' } }]);
    const response = await fetch(`${t.stack.apiUrl}/domains`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'taken-elsewhere.com', item_id: 'hostingercom-domain-com-usd-1y', payment_method_id: PAYPAL }),
    });
    const accepted = (await response.json()) as { requestId: string };
    expect(response.status, JSON.stringify(accepted)).toBe(202);
    const outcome = await t.waitForOutcome(accepted.requestId, 30_000);
    // Nothing was registered for it: the domain is not in the account, and no domain order completed.
    expect(t.stack.sandbox?.domains() ?? []).toEqual([]);
    expect(outcome.type).not.toBe('order.succeeded');
  });
});
