import { describe, expect, it } from 'vitest';
import { reconcileAttempt } from '../../lib/reconciliation/verdict.ts';

const candidate = { id: 'sub-1', created_at: '2026-11-27T10:00:00Z' };

function ledger(calls: string[], bought: string[] = [], claimable = true) {
  return {
    subscriptionsBoughtByAnswer: async () => {
      calls.push('bought');
      return new Set(bought);
    },
    claimSubscription: async () => {
      calls.push('claim');
      return claimable;
    },
  };
}

describe('reconcileAttempt', () => {
  it('asks for rivals before asking who bought what, so a rival that records its answer in between is not missed', async () => {
    const calls: string[] = [];
    const rivalsFor = async () => {
      calls.push('rivals');
      return ['me'];
    };
    await expect(reconcileAttempt('me', [candidate], { ledger: ledger(calls), rivalsFor, now: () => new Date() })).resolves.toMatchObject({ result: 'found' });
    expect(calls).toEqual(['rivals', 'bought', 'claim']);
  });

  it('takes nothing another unsettled attempt could own, nor what Hostinger gave to another request', async () => {
    const other = async () => ['me', 'someone-else'];
    await expect(reconcileAttempt('me', [candidate], { ledger: ledger([]), rivalsFor: other, now: () => new Date() })).resolves.toEqual({ result: 'inconclusive', candidates: 1 });
    const none = async () => ['me'];
    await expect(reconcileAttempt('me', [candidate], { ledger: ledger([], ['sub-1']), rivalsFor: none, now: () => new Date() })).resolves.toEqual({ result: 'absent' });
    await expect(reconcileAttempt('me', [candidate], { ledger: ledger([], [], false), rivalsFor: none, now: () => new Date() })).resolves.toEqual({
      result: 'inconclusive',
      candidates: 1,
    });
  });
});
