import { describe, expect, it } from 'vitest';
import { type ActiveFaultRule, type FaultTarget, faultTarget, parseFaultRules, ruleMatches, takeFault } from '../local/sandbox/faults.ts';

const anyOrder: FaultTarget = { coupons: [], itemIds: ['hostingercom-vps-kvm2-usd-1m'], paymentMethodId: 1327362 };

function rules(input: unknown): ActiveFaultRule[] {
  const parsed = parseFaultRules(input);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.rules;
}

describe('parseFaultRules', () => {
  it('accepts {rules: [...]}, a bare array and a single rule, defaulting times to 1', () => {
    expect(rules({ rules: [{ fault: 'error500' }] })).toEqual([{ fault: 'error500', times: 1 }]);
    expect(rules([{ fault: 'reset', times: 3 }])).toEqual([{ fault: 'reset', times: 3 }]);
    expect(rules({ fault: 'rateLimit', retryAfterSeconds: 2, times: -1 })).toEqual([{ fault: 'rateLimit', retryAfterSeconds: 2, times: -1 }]);
  });

  it.each([
    [{ fault: 'explode' }, /fault must be one of/],
    [{ fault: 'error500', times: 0 }, /times must be a positive integer or -1/],
    [{ fault: 'error500', times: 1.5 }, /times must be a positive integer or -1/],
    [{ fault: 'delay' }, /delayMs/],
    [{ fault: 'error500', delayMs: 10 }, /delayMs/],
    [{ fault: 'error502CreateLater' }, /delayMs/],
    [{ fault: 'error500', retryAfterSeconds: 5 }, /retryAfterSeconds/],
    [{ fault: 'rateLimit', retryAfterSeconds: -1 }, /retryAfterSeconds/],
    [{ fault: 'error500', match: { coupon: 7 } }, /match.coupon must be a string/],
    [{ fault: 'error500', match: { paymentMethodId: '1' } }, /match.paymentMethodId must be an integer/],
    [{ fault: 'error500', match: { colour: 'red' } }, /match has unknown fields: colour/],
    [{ fault: 'error500', tiems: 2 }, /unknown fields: tiems/],
    [{ rules: 'error500' }, /rules must be an array/],
    [[{ fault: 'error500' }, 'reset'], /rules\[1\] must be an object/],
  ])('refuses %j with a clear reason', (input, reason) => {
    const parsed = parseFaultRules(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(reason);
  });
});

describe('faultTarget', () => {
  it('reads coupons, item ids and the paying method from a body, defaulting the method', () => {
    const body = { items: [{ item_id: 'a' }, { item_id: 3 }, 'x', { item_id: 'b' }], coupons: ['C1', 2] };
    expect(faultTarget(body, 99)).toEqual({ coupons: ['C1'], itemIds: ['a', 'b'], paymentMethodId: 99 });
    expect(faultTarget({ payment_method_id: 7 }, 99).paymentMethodId).toBe(7);
    expect(faultTarget('not an object', 99)).toEqual({ coupons: [], itemIds: [], paymentMethodId: 99 });
  });
});

describe('ruleMatches', () => {
  it('matches any order without a match, and only orders meeting every given field with one', () => {
    const target: FaultTarget = { coupons: ['BOOM'], itemIds: ['kvm2'], paymentMethodId: 1327363 };
    expect(ruleMatches({ fault: 'error500' }, target)).toBe(true);
    expect(ruleMatches({ fault: 'error500', match: { coupon: 'BOOM' } }, target)).toBe(true);
    expect(ruleMatches({ fault: 'error500', match: { coupon: 'OTHER' } }, target)).toBe(false);
    expect(ruleMatches({ fault: 'error500', match: { itemId: 'kvm2', paymentMethodId: 1327363 } }, target)).toBe(true);
    expect(ruleMatches({ fault: 'error500', match: { itemId: 'kvm2', paymentMethodId: 1327362 } }, target)).toBe(false);
  });
});

describe('takeFault', () => {
  it('fires nothing and keeps the list when no rule matches', () => {
    const active = rules({ fault: 'error500', match: { coupon: 'BOOM' } });
    expect(takeFault(active, anyOrder)).toEqual({ fired: undefined, remaining: active });
  });

  it('fires the first matching rule in the order added and counts it down', () => {
    const active = rules([{ fault: 'reset', match: { coupon: 'BOOM' } }, { fault: 'error500', times: 2 }, { fault: 'rateLimit' }]);
    const first = takeFault(active, anyOrder);
    expect(first.fired?.fault).toBe('error500');
    expect(first.remaining.map((rule) => [rule.fault, rule.times])).toEqual([
      ['reset', 1],
      ['error500', 1],
      ['rateLimit', 1],
    ]);
    const second = takeFault(first.remaining, anyOrder);
    expect(second.fired?.fault).toBe('error500');
    expect(second.remaining.map((rule) => rule.fault)).toEqual(['reset', 'rateLimit']);
    expect(takeFault(second.remaining, anyOrder).fired?.fault).toBe('rateLimit');
  });

  it('never uses up a forever rule (-1)', () => {
    let active = rules({ fault: 'error503', times: -1 });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const { fired, remaining } = takeFault(active, anyOrder);
      expect(fired?.fault).toBe('error503');
      active = remaining;
    }
    expect(active).toEqual([{ fault: 'error503', times: -1 }]);
  });

  it('leaves the list it was given untouched', () => {
    const active = rules({ fault: 'error500', times: 2 });
    takeFault(active, anyOrder);
    expect(active).toEqual([{ fault: 'error500', times: 2 }]);
  });
});
