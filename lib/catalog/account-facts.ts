import type { BillingReader } from '../hostinger/billing-reader.ts';
import type { ProvisioningReader } from '../hostinger/provisioning-reader.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import { type AccountFacts, factsNeeded } from './account-check.ts';

/** Reads, fresh (never cached: a VM or a domain bought a minute ago must show), the lists a purchase's checks need. */
export type ReadAccountFacts = (purchase: Purchase) => Promise<AccountFacts>;

export function createAccountFactsReader(options: {
  billing: Pick<BillingReader, 'subscriptions'>;
  provisioning: Pick<ProvisioningReader, 'virtualMachines' | 'portfolio'>;
  token: () => Promise<string>;
}): ReadAccountFacts {
  const readers = {
    virtualMachines: (token: string) => options.provisioning.virtualMachines(token),
    portfolio: (token: string) => options.provisioning.portfolio(token),
    subscriptions: (token: string) => options.billing.subscriptions(token),
  };
  return async (purchase) => {
    const needed = factsNeeded(purchase);
    if (needed.length === 0) return {};
    const token = await options.token();
    const entries = await Promise.all(needed.map(async (name) => [name, await readers[name](token)] as const));
    return Object.fromEntries(entries) as AccountFacts;
  };
}
