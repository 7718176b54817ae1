import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';

/**
 * A domain purchase whose answer was lost ends unknown holding its key (the domain), so that no other request
 * buys the same domain while it may still have been registered. The follow-up cannot prove it bought nothing:
 * the lost answer may have been a 202 (made, its payment processing, nothing registered), which its key never
 * shows. Resolved not_bought when its time is up, it keeps the key: the domain is still refused to others.
 */
const PAYPAL = 1327363;
const DOMAIN = { kind: 'domain', domain: 'freed-after-follow-up.com', item_id: 'hostingercom-domain-com-usd-1y', payment_method_id: PAYPAL };

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack({
    followUpIntervalMs: 200,
    functionEnv: { FOLLOW_UP_FIRST_LOOK_SECONDS: '1', FOLLOW_UP_MAX_INTERVAL_SECONDS: '1', UNKNOWN_FOLLOW_UP_SECONDS: '3' },
  });
});
afterAll(async () => {
  await t?.stop();
});

describe('a domain purchase that ended unknown and was resolved not bought', () => {
  it('keeps the domain held after the follow-up resolves it not bought: its lost answer may have been a 202', async () => {
    // The connection reset before Hostinger read the request: nothing bought, but the worker cannot tell.
    t.stack.sandbox?.addFaults([{ fault: 'reset', match: { coupon: 'K-LOST' } }]);
    await t.sendMessage(JSON.stringify({ requestId: 'k-lost', ...DOMAIN, coupons: ['K-LOST'] }));
    expect(await t.waitForOutcome('k-lost', 30_000)).toMatchObject({ kind: 'domain', status: 'unknown' });

    // While it is unknown, the key is held: the same domain is refused to anyone else.
    await t.sendMessage(JSON.stringify({ requestId: 'k-while-unknown', ...DOMAIN, coupons: ['K-WHILE'] }));
    expect(await t.waitForOutcome('k-while-unknown', 30_000)).toMatchObject({ status: 'rejected', error: { message: expect.stringMatching(/key is taken/) } });

    const resolved = await waitUntil(() => t.resolutions.find((resolution) => resolution.requestId === 'k-lost'), 20_000, 'the resolution');
    expect(resolved.resolution.result).toBe('not_bought');

    await t.sendMessage(JSON.stringify({ requestId: 'k-again', ...DOMAIN, coupons: ['K-AGAIN'] }));
    expect(await t.waitForOutcome('k-again', 30_000)).toMatchObject({ status: 'rejected', error: { message: expect.stringMatching(/key is taken/) } });
    expect(t.stack.sandbox?.orders().filter((record) => record.coupons.some((coupon) => coupon.startsWith('K-')))).toHaveLength(0);
  }, 90_000);
});
