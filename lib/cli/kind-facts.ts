import { type KindFacts, kindFactsNeeded } from '../catalog/purchase-precheck.ts';
import type { BillingReader } from '../hostinger/billing-reader.ts';
import { HostingerReadError } from '../hostinger/billing-reader.ts';
import type { ProvisioningReader } from '../hostinger/provisioning-reader.ts';
import type { Purchase } from '../order/kinds/purchase.ts';

/** Hostinger allows 90 availability checks a minute; a dry run keeps under it. */
export const AVAILABILITY_PER_MINUTE = 90;

/**
 * Reads what a dry run of these purchases needs beyond the catalog: VPS templates, data centres and VMs;
 * the portfolio and each domain's availability (paced to stay within Hostinger's limit; a 429 leaves the
 * rest unchecked, as warnings); the subscriptions to renew.
 */
export async function readKindFacts(
  reads: { billing: Pick<BillingReader, 'subscriptions'>; provisioning: Pick<ProvisioningReader, 'templates' | 'dataCenters' | 'virtualMachines' | 'portfolio' | 'isAvailable'> },
  token: string,
  purchases: Purchase[],
  pace: { sleep: (ms: number) => Promise<void>; perMinute?: number },
): Promise<KindFacts> {
  const needed = kindFactsNeeded(purchases);
  const facts: KindFacts = {};
  if (needed.vps) {
    const [templates, dataCenters, virtualMachines] = await Promise.all([
      reads.provisioning.templates(token),
      reads.provisioning.dataCenters(token),
      reads.provisioning.virtualMachines(token),
    ]);
    Object.assign(facts, { templateIds: templates.map((template) => template.id), dataCenterIds: dataCenters.map((center) => center.id), virtualMachines });
  }
  if (needed.renewals) facts.subscriptions = await reads.billing.subscriptions(token);
  if (needed.domains.length > 0) {
    facts.portfolio = await reads.provisioning.portfolio(token);
    const availability: NonNullable<KindFacts['availability']> = new Map();
    const perMinute = pace.perMinute ?? AVAILABILITY_PER_MINUTE;
    // Spaced evenly only when there are more than a minute's worth: a small file is checked at once.
    const gapMs = needed.domains.length > perMinute ? Math.ceil(60_000 / perMinute) : 0;
    let limited: string | undefined;
    for (const [index, domain] of needed.domains.entries()) {
      if (limited) {
        availability.set(domain, { unchecked: limited });
        continue;
      }
      if (index > 0 && gapMs > 0) await pace.sleep(gapMs);
      try {
        availability.set(domain, await reads.provisioning.isAvailable(token, domain));
      } catch (error) {
        if (!(error instanceof HostingerReadError) || error.httpStatus !== 429) throw error;
        limited = `Hostinger's availability limit (${perMinute} a minute) was reached; run the dry run again in a minute`;
        availability.set(domain, { unchecked: limited });
      }
    }
    facts.availability = availability;
  }
  return facts;
}
