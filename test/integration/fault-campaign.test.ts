import { describe, expect, it } from 'vitest';
import { FULL_CAMPAIGN, runCampaign } from '../../local/fault-campaign/campaign.ts';
import { formatReport, violations } from '../../local/fault-campaign/report.ts';

/** A smaller run of `npm run faults`: the same stack, faults and figures. */
describe('fault-injection campaign (small)', () => {
  it('buys nothing twice and gives every request exactly one terminal outcome', async () => {
    // Index lag is left to `npm run faults` and test/integration/index-lag.test.ts: on this shared machine it
    // makes the small run's timing too tight (see docs/guarantees.md).
    const report = await runCampaign({ ...FULL_CAMPAIGN, requests: 160, crashRate: 0.05, dropDeleteRate: 0.05, timeLimitMs: 100_000, indexLagMs: 0 });
    console.log(formatReport(report));
    expect(violations(report)).toEqual([]);
    expect(report.duplicatePurchases).toBe(0);
    expect(report.withoutOutcome).toBe(0);
    expect(report.conflictingOutcomes).toBe(0);
    expect(report.purchasesReportedAsNotBought).toBe(0);
    expect(report.misattributedSuccesses).toBe(0);
    // The campaign did inject what it claims: duplicates, crashes, 500s after the order was made.
    expect(report.sendsIncludingDuplicates).toBeGreaterThan(report.requests);
    expect(Object.values(report.crashesByPoint).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(report.errors500AfterCreate.injected).toBeGreaterThan(0);
    expect(Object.values(report.answerFaults).reduce((sum, figures) => sum + figures.injected, 0)).toBeGreaterThan(0);
    expect(Object.values(report.outcomesByType).reduce((a, b) => a + b, 0)).toBe(report.requests);
    expect(report.ordersCreated).toBeLessThanOrEqual(report.requests);
    // Our own AWS calls: replies lost after the call took effect (intake and worker), index lag; every
    // request the intake answered 202 got its outcome.
    expect(report.awsFaults?.lostReplies['dynamodb.UpdateItem']).toBeGreaterThan(0);
    expect(report.awsFaults?.lostReplies['dynamodb.PutItem']).toBeGreaterThan(0);
    expect(report.awsFaults?.lostReplies['sqs.SendMessage']).toBeGreaterThan(0);
    expect(report.awsFaults?.intake.answered202).toBeGreaterThan(0);
    expect(report.awsFaults?.acceptedWithoutOutcome).toBe(0);
    // Every kind is in the mix, none provisioned twice (violations() checks it too).
    for (const kind of ['vps', 'domain', 'renewal'] as const) {
      expect(report.byKind[kind].requests).toBeGreaterThan(0);
      expect(report.byKind[kind]).toMatchObject({ duplicatePurchases: 0, duplicatesProvisioned: 0 });
    }
    // Files edited between CLI runs: lines inserted above sent ones, sent lines deleted and put back; the
    // last run of each file, with every line back, has nothing new to send.
    expect(report.editedFiles).toMatchObject({ files: 2, runs: 6, requests: 16 });
    expect(report.editedFiles?.inserted).toBeGreaterThan(0);
    expect(report.editedFiles?.sentPerRun[2]).toBe(0);
    expect((report.editedFiles?.sentPerRun[0] ?? 0) + (report.editedFiles?.sentPerRun[1] ?? 0)).toBe(16);
    // A budget and approvals on part of the traffic: the budget binds, orders are held and decided, none is overspent.
    expect(report.spending).toMatchObject({ budgetOverruns: 0, boughtWithoutApproval: 0 });
    expect(report.spending?.rejectedOverBudget).toBeGreaterThan(0);
    expect(report.spending?.approved).toBeGreaterThan(0);
  }, 120_000);
});
