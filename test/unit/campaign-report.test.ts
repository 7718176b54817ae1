import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../lib/order/outcome.ts';
import { type OrderResolved, orderResolved } from '../../lib/order/resolution.ts';
import { buildReport, type CampaignRequest, formatReport, violations } from '../../local/fault-campaign/report.ts';
import type { SandboxOrderRecord } from '../../local/sandbox/server.ts';

/** Each campaign figure, computed from a crafted record, so a wrong count fails here. */
const request = (n: number, profile: CampaignRequest['profile'] = { kind: 'clean' }): CampaignRequest => ({ requestId: `r${n}`, coupon: `C${n}`, profile });
const order = (coupon: string, subscriptionId: string, answeredWith = 200) =>
  ({ coupons: [coupon], order: { id: 1, subscription_id: subscriptionId, status: 'completed' }, answeredWith }) as unknown as SandboxOrderRecord;
const outcome = (requestId: string, status: Outcome['status'], extra: Partial<Outcome> = {}): Outcome => ({
  version: 1,
  outcomeId: `${requestId}-${status}`,
  type: `order.${status}`,
  status,
  requestId,
  attempts: 1,
  order: null,
  error: null,
  requestedAt: '',
  completedAt: '',
  ...extra,
});

function report(requests: CampaignRequest[], orders: SandboxOrderRecord[], received: Outcome[], faultsStruck?: Set<string>, resolved: OrderResolved[] = []) {
  const outcomes = new Map<string, Outcome[]>();
  for (const o of received) outcomes.set(o.requestId, [...(outcomes.get(o.requestId) ?? []), o]);
  const resolutions = new Map(resolved.map((document) => [document.requestId, document]));
  return buildReport({ requests, sends: requests.length, orders, outcomes, resolutions, crashesByPoint: {}, redriven: 0, durationMs: 1, faultsStruck });
}

describe('campaign report', () => {
  it('a clean run has no violation', () => {
    const r = report([request(1), request(2)], [order('C1', 's1'), order('C2', 's2')], [outcome('r1', 'succeeded'), outcome('r2', 'succeeded'), outcome('r2', 'succeeded')]);
    expect(violations(r)).toEqual([]);
    expect(r).toMatchObject({ requests: 2, ordersCreated: 2, outcomeDeliveries: 3, outcomesByType: { 'order.succeeded': 2 } });
  });

  it('counts a request answered 202 at the intake without an outcome as a violation, and prints the AWS fault classes', () => {
    const outcomes = new Map<string, Outcome[]>([['r1', [outcome('r1', 'succeeded')]]]);
    const awsFaults = { lostReplies: { 'sqs.SendMessage': 2 }, hiddenByIndexLag: 3, intake: { answered202: 2, answered503: 1, accepted: 2 }, acceptedWithoutOutcome: 1 };
    const r = buildReport({ requests: [request(1)], sends: 1, orders: [order('C1', 's1')], outcomes, crashesByPoint: {}, redriven: 0, durationMs: 1, awsFaults });
    expect(violations(r)).toEqual(['requests answered 202 at the intake without a terminal outcome: 1']);
    expect(formatReport(r)).toMatch(/reply lost after SendMessage \(intake, sweep, producers, hand-backs\)\s+2/);
    expect(formatReport(r)).toMatch(/index lag .*\s+3/);
  });

  it('counts a second order for one request as a duplicate purchase', () => {
    const r = report([request(1)], [order('C1', 's1'), order('C1', 's2')], [outcome('r1', 'succeeded')]);
    expect(r.duplicatePurchases).toBe(1);
    expect(violations(r)).toEqual(['duplicate purchases: 1']);
    // Named with its orders, so a failed run says which request to trace.
    expect(r.involved).toEqual(['r1']);
    expect(formatReport(r)).toMatch(/bought more than once: r1 \(clean\): .*order 1 completed.*; .*order 1 completed/);
  });

  it('counts requests without an outcome, and with two different outcomes', () => {
    const r = report([request(1), request(2)], [], [outcome('r1', 'failed'), outcome('r1', 'unknown')]);
    expect(r.withoutOutcome).toBe(1);
    expect(r.conflictingOutcomes).toBe(1);
  });

  it('names the requests without a final outcome, with their fault', () => {
    const r = report([request(1), request(2, { kind: 'refusedConnection' })], [order('C1', 's1')], [outcome('r1', 'succeeded'), outcome('r2', 'pending')]);
    expect(r.missing).toEqual(['r2 (refusedConnection)']);
    expect(formatReport(r)).toContain('without an outcome: r2 (refusedConnection)');
  });

  it('counts a purchase told as failed or rejected', () => {
    const r = report([request(1)], [order('C1', 's1')], [outcome('r1', 'failed')]);
    expect(r.purchasesReportedAsNotBought).toBe(1);
  });

  it("counts reconciled successes that took another request's subscription, and 500-after-create catches", () => {
    const after500 = { kind: 'fault', rule: { fault: 'error500AfterCreate' } } as const;
    const r = report(
      [request(1, after500), request(2, after500), request(3)],
      [order('C1', 's1', 500), order('C2', 's2', 500)],
      [
        outcome('r1', 'succeeded', { reconciliation: { result: 'found', subscriptionId: 's1' } }),
        outcome('r2', 'unknown', { reconciliation: { result: 'inconclusive', candidates: 2 } }),
        outcome('r3', 'succeeded', { reconciliation: { result: 'found', subscriptionId: 's2' } }),
      ],
    );
    // r3 bought nothing of its own, and took r2's subscription.
    expect(r.misattributedSuccesses).toBe(1);
    expect(violations(r)).toEqual(['successes misattributed: 1']);
    expect(r.misattributions).toEqual(['r3 (clean) took s2, the order of r2 (error500AfterCreate)']);
    expect(r.involved).toEqual(['r3', 'r2']);
    expect(r.errors500AfterCreate).toEqual({ injected: 2, caught: 1 });
    expect(r.reconciliation).toEqual({ found: 2, absent: 0, inconclusive: 1 });
    expect(r.unknownsByProfile).toEqual({ error500AfterCreate: 1 });
  });

  it('counts identical purchases paired across two requests that each bought as pairing, not misattribution', () => {
    const r = report(
      [request(1), request(2)],
      [order('C1', 's1'), order('C2', 's2')],
      [
        outcome('r1', 'succeeded', { reconciliation: { result: 'found', subscriptionId: 's2' } }),
        outcome('r2', 'succeeded', { reconciliation: { result: 'found', subscriptionId: 's1' } }),
      ],
    );
    expect(r).toMatchObject({ misattributedSuccesses: 0, pairedAcrossRequests: 2 });
    // The same subscription credited to both is a misattribution, whoever bought.
    const twice = report(
      [request(1), request(2)],
      [order('C1', 's1'), order('C2', 's2')],
      [
        outcome('r1', 'succeeded', { reconciliation: { result: 'found', subscriptionId: 's2' } }),
        outcome('r2', 'succeeded', { reconciliation: { result: 'found', subscriptionId: 's2' } }),
      ],
    );
    expect(twice.misattributedSuccesses).toBe(1);
  });

  it('takes an interim order.pending and its final outcome as one request ending once, and counts how pending payments ended', () => {
    const pending = (requestId: string) => outcome(requestId, 'pending', { outcomeId: `${requestId}-interim` });
    const awaiting = (coupon: string, subscriptionId: string) =>
      ({ ...order(coupon, subscriptionId), order: { id: 2, subscription_id: subscriptionId, status: 'awaiting_payment' } }) as unknown as SandboxOrderRecord;
    const r = report(
      [request(1), request(2), request(3)],
      [order('C1', 's1'), awaiting('C2', 's2'), awaiting('C3', 's3')],
      [pending('r1'), outcome('r1', 'succeeded'), pending('r2'), outcome('r2', 'failed'), pending('r3')],
    );
    expect(r).toMatchObject({ conflictingOutcomes: 0, withoutOutcome: 1, purchasesReportedAsNotBought: 0, pendingFollowed: { interim: 2, succeeded: 1, expired: 1 } });
  });

  it('counts unknowns before and after order.resolved, and a not-bought resolution of a completed order as a violation', () => {
    const r = report(
      [request(1), request(2), request(3)],
      [order('C1', 's1'), order('C3', 's3')],
      [outcome('r1', 'unknown'), outcome('r2', 'unknown'), outcome('r3', 'unknown')],
      undefined,
      [
        orderResolved('r1', 'r1-unknown', { result: 'bought', subscriptionId: 's1', evidence: '', at: '' }),
        orderResolved('r3', 'r3-unknown', { result: 'not_bought', evidence: '', at: '' }),
      ],
    );
    expect(r).toMatchObject({ unknowns: 3, unknownsAfterSettlement: 1, resolved: { bought: 1, notBought: 1 }, purchasesReportedAsNotBought: 1, misattributedSuccesses: 0 });
  });

  it('names each Hostinger-answer fault class with how often it struck and how its requests ended', () => {
    const late502 = { kind: 'fault', rule: { fault: 'error502CreateLater', delayMs: 400 } } as const;
    const refused = { kind: 'refusedConnection' } as const;
    const r = report(
      [request(1, late502), request(2, late502), request(3, refused), request(4, refused)],
      [order('C1', 's1', 502), order('C3', 's3')],
      [outcome('r1', 'succeeded'), outcome('r2', 'succeeded'), outcome('r3', 'succeeded'), outcome('r4', 'unknown')],
      new Set(['C1', 'C3', 'C4']),
    );
    // r2's rule never struck (its request never reached the sandbox): not counted as injected.
    expect(r.answerFaults.error502CreateLater).toEqual({ injected: 1, outcomes: { succeeded: 1 } });
    expect(r.answerFaults.refusedConnection).toEqual({ injected: 2, outcomes: { succeeded: 1, unknown: 1 } });
    expect(r.answerFaults.error504CreateLater).toEqual({ injected: 0, outcomes: {} });
    const onCard = { kind: 'fault', rule: { fault: 'error500AfterPendingOrder' }, paymentMethodId: 1327362 } as const;
    const pending = report([request(5, onCard)], [order('C5', 's5', 500)], [outcome('r5', 'unknown')], new Set(['C5']));
    expect(pending.answerFaults['error500AfterPendingOrder@card']).toEqual({ injected: 1, outcomes: { unknown: 1 } });
    expect(formatReport(r)).toMatch(/gateway 502, order made after the answer\s+1: succeeded=1/);
  });

  it('reports the files edited between CLI runs: what was done to them and how their requests ended', () => {
    const viaFile = (n: number): CampaignRequest => ({ ...request(n), via: 'edited-file' });
    const outcomes = new Map([
      ['r1', [outcome('r1', 'succeeded')]],
      ['r2', [outcome('r2', 'succeeded')]],
      ['r3', [outcome('r3', 'unknown')]],
    ]);
    const figures = { files: 1, runs: 3, inserted: 2, deleted: 1, moved: 1, readded: 1, sentPerRun: [1, 2, 0] };
    const r = buildReport({
      requests: [request(1), viaFile(2), viaFile(3)],
      sends: 1,
      orders: [order('C1', 's1'), order('C2', 's2')],
      outcomes,
      crashesByPoint: {},
      redriven: 0,
      durationMs: 1,
      editedFiles: figures,
    });
    expect(r.editedFiles).toEqual({ ...figures, requests: 2, outcomes: { succeeded: 1, unknown: 1 } });
    expect(formatReport(r)).toContain(
      'file edited between CLI runs: 1 files, 3 submit runs (sent 1/2/0 per run), 2 lines inserted, 1 deleted, 1 moved, 1 put back; 2 requests: succeeded=1, unknown=1',
    );
    expect(report([request(1)], [order('C1', 's1')], [outcome('r1', 'succeeded')]).editedFiles).toBeUndefined();
  });
});
