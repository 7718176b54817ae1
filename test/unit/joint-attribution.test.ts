import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AttemptSpan, jointVerdict, pairPurchases, type UnexplainedPurchase } from '../../lib/reconciliation/joint-attribution.ts';

const span = (requestId: string, from: number, to: number, open = false): AttemptSpan => ({ requestId, from, to, open });
const purchase = (id: string, createdAt: number): UnexplainedPurchase => ({ id, createdAt });
const shared = { sharedAccount: false };

describe('joint attribution of a burst of identical purchases', () => {
  it('credits six overlapping attempts with six purchases, one each', () => {
    const attempts = [0, 1, 2, 3, 4, 5].map((n) => span(`r${n}`, 1000 + n * 10, 2000 + n * 10));
    const purchases = [0, 1, 2, 3, 4, 5].map((n) => purchase(`s${n}`, 1500 + n));
    const verdicts = attempts.map((attempt) => jointVerdict(attempt.requestId, attempts, purchases, shared));
    expect(verdicts.every((verdict) => verdict.result === 'bought')).toBe(true);
    const ids = verdicts.map((verdict) => (verdict.result === 'bought' ? verdict.purchaseId : ''));
    expect(new Set(ids).size).toBe(6);
  });

  it('finds none bought when no purchase falls in any window', () => {
    const attempts = [span('a', 0, 100), span('b', 50, 150)];
    expect(jointVerdict('a', attempts, [purchase('x', 500)], shared)).toEqual({ result: 'absent' });
  });

  it('leaves a genuine shortfall open', () => {
    const attempts = [span('a', 0, 100), span('b', 0, 100), span('c', 0, 100)];
    expect(jointVerdict('a', attempts, [purchase('x', 50), purchase('y', 60)], shared)).toEqual({ result: 'shortfall', attempts: 3, purchases: 2 });
  });

  it('waits while another attempt of the group can still be answered', () => {
    const attempts = [span('a', 0, 100), span('b', 0, 100, true)];
    expect(jointVerdict('a', attempts, [purchase('x', 50), purchase('y', 60)], shared).result).toBe('wait');
  });

  it('does not count a surplus as evidence on a shared account', () => {
    const attempts = [span('a', 0, 100)];
    const purchases = [purchase('x', 50), purchase('y', 60)];
    expect(jointVerdict('a', attempts, purchases, shared).result).toBe('bought');
    expect(jointVerdict('a', attempts, purchases, { sharedAccount: true }).result).toBe('shortfall');
  });

  it('credits an attempt that alone could have made a purchase, even when the rest of its group falls short', () => {
    // c alone could have made q; p is a's or b's, which cannot be told.
    const attempts = [span('a', 0, 100), span('b', 0, 100), span('c', 50, 300)];
    const purchases = [purchase('p', 60), purchase('q', 250)];
    expect(jointVerdict('c', attempts, purchases, shared)).toEqual({ result: 'bought', purchaseId: 'q', group: 3 });
    expect(jointVerdict('a', attempts, purchases, shared).result).toBe('shortfall');
  });

  it('credits an attempt whose purchase no other attempt can have made, whatever the timing of the rest', () => {
    const purchases = [purchase('p', 50), purchase('q', 250)];
    // Only b could have made p: b bought (p, in the deterministic pairing); q is a's or c's.
    const attempts = [span('a', 200, 300), span('b', 0, 300), span('c', 200, 300)];
    expect(jointVerdict('b', attempts, purchases, shared)).toEqual({ result: 'bought', purchaseId: 'p', group: 3 });
    expect(jointVerdict('a', attempts, purchases, shared).result).toBe('shortfall');
  });

  it('never calls an attempt that bought absent, even when people bought the same item by hand', () => {
    fc.assert(
      fc.property(burst, fc.array(fc.integer({ min: 0, max: 1400 }), { maxLength: 3 }), ({ attempts }, byHand) => {
        const purchases = [
          ...attempts.flatMap((attempt) => (attempt.buys ? [purchase(`sub-${attempt.requestId}`, attempt.boughtAt)] : [])),
          ...byHand.map((at, n) => purchase(`hand-${n}`, at)),
        ];
        for (const attempt of attempts) {
          if (attempt.buys) expect(jointVerdict(attempt.requestId, attempts, purchases, shared).result).not.toBe('absent');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('pairs by windows: a purchase outside an attempt window is not given to it', () => {
    const pairs = pairPurchases([span('early', 0, 10), span('late', 0, 100)], [purchase('p', 50), purchase('q', 5)]);
    expect(pairs).toEqual(
      new Map([
        ['early', 'q'],
        ['late', 'p'],
      ]),
    );
  });

  // Random bursts: each attempt buys (at a time inside its window) or not; nothing is bought elsewhere.
  const burst = fc
    .array(fc.record({ from: fc.integer({ min: 0, max: 1000 }), length: fc.integer({ min: 0, max: 400 }), buys: fc.boolean(), at: fc.double({ min: 0, max: 1, noNaN: true }) }), {
      minLength: 1,
      maxLength: 8,
    })
    .map((specs) => ({
      attempts: specs.map((spec, n) => ({ ...span(`r${n}`, spec.from, spec.from + spec.length), buys: spec.buys, boughtAt: spec.from + Math.floor(spec.at * spec.length) })),
    }));

  it('never credits an attempt that did not buy, never calls a buyer absent, never pairs two attempts with one purchase', () => {
    fc.assert(
      fc.property(burst, ({ attempts }) => {
        const purchases = attempts.flatMap((attempt) => (attempt.buys ? [purchase(`sub-${attempt.requestId}`, attempt.boughtAt)] : []));
        const verdicts = attempts.map((attempt) => ({ attempt, verdict: jointVerdict(attempt.requestId, attempts, purchases, shared) }));
        const credited = verdicts.flatMap(({ verdict }) => (verdict.result === 'bought' ? [verdict.purchaseId] : []));
        expect(new Set(credited).size).toBe(credited.length);
        for (const { attempt, verdict } of verdicts) {
          if (verdict.result === 'absent') expect(attempt.buys).toBe(false);
          if (verdict.result === 'bought') expect(attempt.buys).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
