import type { Subscription } from '../hostinger/billing-reader.ts';
import type { PortfolioDomain, VirtualMachine } from '../hostinger/provisioning-reader.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import type { FieldErrors } from '../order/order-request.ts';
import { checkAgainstAccount } from './account-check.ts';

/** What a dry run reads for the kinds in a file: VPS templates and data centres, the account's lists, domain availability. */
export interface KindFacts {
  templateIds?: number[];
  dataCenterIds?: number[];
  virtualMachines?: VirtualMachine[];
  portfolio?: PortfolioDomain[];
  subscriptions?: Subscription[];
  /** Per domain: Hostinger's answer, or why it was not asked (its rate limit). */
  availability?: Map<string, { available: boolean; restriction?: string } | { unchecked: string }>;
}

/** Which lists a dry run of these purchases needs. */
export function kindFactsNeeded(purchases: Purchase[]): { vps: boolean; domains: string[]; renewals: boolean } {
  return {
    vps: purchases.some((purchase) => purchase.kind === 'vps'),
    domains: [...new Set(purchases.flatMap((purchase) => (purchase.kind === 'domain' ? [purchase.domain] : [])))],
    renewals: purchases.some((purchase) => purchase.kind === 'renewal'),
  };
}

/**
 * Checks a VPS, domain or renewal against what Hostinger will refuse or what would make it unsafe: a template
 * or data centre id that does not exist, a hostname in use, a domain already ours or not available, a
 * subscription the account does not have or cannot renew. Orders pass (the catalog check covers them).
 */
export function checkBeforeBuying(purchase: Purchase, facts: KindFacts): { errors: FieldErrors; warnings: string[] } {
  const errors: FieldErrors = { ...checkAgainstAccount(purchase, facts) };
  const warnings: string[] = [];
  if (purchase.kind === 'vps') {
    const { template_id: template, data_center_id: dataCenter } = purchase.setup;
    if (facts.templateIds && !facts.templateIds.includes(template))
      errors['setup.template_id'] = [`${template} is not a VPS template (GET /api/vps/v1/templates: ${facts.templateIds.join(', ')})`];
    if (facts.dataCenterIds && !facts.dataCenterIds.includes(dataCenter))
      errors['setup.data_center_id'] = [`${dataCenter} is not a data centre (GET /api/vps/v1/data-centers: ${facts.dataCenterIds.join(', ')})`];
  }
  if (purchase.kind === 'domain' && !errors.domain) {
    const answer = facts.availability?.get(purchase.domain);
    if (answer && 'unchecked' in answer) warnings.push(`domain availability not checked: ${answer.unchecked}`);
    else if (answer && !answer.available) errors.domain = [`${purchase.domain} is not available for registration${answer.restriction ? ` (${answer.restriction})` : ''}`];
  }
  return { errors, warnings };
}

/** What a renewal costs: its subscription's renewal price, when the list gives it. */
export function renewalPrice(purchase: Purchase, subscriptions: Subscription[] | undefined): { name: string; currency: string; cents: number } | undefined {
  if (purchase.kind !== 'renewal') return undefined;
  const subscription = subscriptions?.find((candidate) => candidate.id === purchase.subscription_id);
  if (!subscription?.currency_code || typeof subscription.renewal_price !== 'number') return undefined;
  return { name: `renewal of ${subscription.name ?? subscription.id}`, currency: subscription.currency_code, cents: subscription.renewal_price };
}
