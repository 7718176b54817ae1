import type { Subscription } from '../hostinger/billing-reader.ts';
import type { PortfolioDomain, VirtualMachine } from '../hostinger/provisioning-reader.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import type { FieldErrors } from '../order/order-request.ts';

/** What the account holds, as far as a purchase's checks need it: each list read only for the kinds that use it. */
export interface AccountFacts {
  virtualMachines?: VirtualMachine[];
  portfolio?: PortfolioDomain[];
  subscriptions?: Subscription[];
}

/** Which of the account's lists a purchase's checks read. */
export function factsNeeded(purchase: Purchase): (keyof AccountFacts)[] {
  switch (purchase.kind) {
    case 'vps':
      // A derived hostname is unique by construction; only the caller's own can clash.
      return purchase.setup.hostname === undefined ? [] : ['virtualMachines'];
    case 'domain':
      return ['portfolio'];
    case 'renewal':
      return ['subscriptions'];
    case undefined:
      return [];
  }
}

/** Subscriptions Hostinger will not renew. */
const NOT_RENEWABLE = new Set(['cancelled', 'transferred']);

/**
 * Refuses a purchase whose key is already taken in the account, so that finding the key later means this
 * request bought it: a VM hostname in use, a domain already in the portfolio. A renewal needs its
 * subscription to exist and be renewable.
 */
export function checkAgainstAccount(purchase: Purchase, facts: AccountFacts): FieldErrors {
  switch (purchase.kind) {
    case 'vps': {
      const hostname = purchase.setup.hostname?.toLowerCase();
      const taken = hostname !== undefined && facts.virtualMachines?.some((vm) => vm.hostname.toLowerCase() === hostname);
      return taken
        ? { 'setup.hostname': [`${hostname} is already the hostname of a VM in this account: choose another, or leave it out and one unique to the request is used`] }
        : {};
    }
    case 'domain':
      return facts.portfolio?.some((domain) => domain.domain === purchase.domain) ? { domain: [`${purchase.domain} is already in this account's domain portfolio`] } : {};
    case 'renewal': {
      if (!facts.subscriptions) return {};
      const subscription = facts.subscriptions.find((candidate) => candidate.id === purchase.subscription_id);
      if (!subscription) return { subscription_id: [`${purchase.subscription_id} is not a subscription of this account`] };
      if (NOT_RENEWABLE.has(subscription.status ?? '')) return { subscription_id: [`${purchase.subscription_id} is ${subscription.status} and cannot be renewed`] };
      return {};
    }
    case undefined:
      return {};
  }
}
