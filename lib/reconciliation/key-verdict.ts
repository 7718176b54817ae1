import type { Subscription } from '../hostinger/billing-reader.ts';
import { type PortfolioDomain, type VirtualMachine, vmBought } from '../hostinger/provisioning-reader.ts';
import type { KeyBaseline } from '../ledger/purchase-key-ledger.ts';
import type { Bought } from '../order/kinds/bought.ts';
import type { PurchaseKey } from '../order/kinds/purchase.ts';
import { renewalMoved } from '../order/kinds/renewal.ts';
import type { FieldErrors } from '../order/order-request.ts';

/** The account's list a key is looked up in: the VMs, the domain portfolio, the subscriptions. */
export type KeyFacts = { virtualMachines: VirtualMachine[] } | { portfolio: PortfolioDomain[] } | { subscriptions: Subscription[] };

const vmsWith = (facts: KeyFacts, hostname: string) => ('virtualMachines' in facts ? facts.virtualMachines.filter((vm) => vm.hostname.toLowerCase() === hostname) : []);
const domainIn = (facts: KeyFacts, domain: string) => ('portfolio' in facts ? facts.portfolio.find((entry) => entry.domain === domain) : undefined);
const subscriptionIn = (facts: KeyFacts, id: string) => ('subscriptions' in facts ? facts.subscriptions.find((entry) => entry.id === id) : undefined);

/** The field a key came from, for refusals. */
export const keyField = (key: PurchaseKey) => (key.kind === 'vps' ? 'setup.hostname' : key.kind === 'domain' ? 'domain' : 'subscription_id');

/**
 * What the account shows for a key before the first attempt, or why the purchase must not be made: a key
 * already present would later be mistaken for this request's purchase.
 */
export function baselineOf(key: PurchaseKey, facts: KeyFacts): { baseline: KeyBaseline } | { refused: FieldErrors } {
  switch (key.kind) {
    case 'vps': {
      const existing = vmsWith(facts, key.hostname);
      if (existing.length > 0)
        return { refused: { 'setup.hostname': [`${key.hostname} is already the hostname of VM ${existing.map((vm) => vm.id).join(', ')} in this account`] } };
      return { baseline: { kind: 'vps', vmIds: [] } };
    }
    case 'domain':
      if (domainIn(facts, key.domain)) return { refused: { domain: [`${key.domain} is already in this account's domain portfolio`] } };
      return { baseline: { kind: 'domain', inPortfolio: false } };
    case 'renewal': {
      const subscription = subscriptionIn(facts, key.subscriptionId);
      if (!subscription) return { refused: { subscription_id: [`${key.subscriptionId} is not a subscription of this account`] } };
      return {
        baseline: {
          kind: 'renewal',
          expires_at: subscription.expires_at ?? null,
          next_billing_at: subscription.next_billing_at ?? null,
          is_auto_renewed: subscription.is_auto_renewed === true,
        },
      };
    }
  }
}

export type KeySettlement =
  | { found: true; bought: Bought; subscriptionId?: string }
  /** `ambiguous`: the account moved in a way this purchase and another cause both explain (why, to check by hand). */
  | { found: false; ambiguous?: string };

/**
 * Whether the purchase under a key happened, from the account now and its baseline: a VM with the hostname
 * that was not there before; the domain in the portfolio; the subscription's expiry or next billing later.
 * `now` (epoch ms): when `facts` were read.
 */
export function settleByKey(key: PurchaseKey, baseline: KeyBaseline, facts: KeyFacts, now: number): KeySettlement {
  switch (key.kind) {
    case 'vps': {
      const before = baseline.kind === 'vps' ? baseline.vmIds : [];
      const vm = vmsWith(facts, key.hostname).find((candidate) => !before.includes(candidate.id));
      return vm ? { found: true, bought: { vm: vmBought(vm) }, ...(vm.subscription_id ? { subscriptionId: vm.subscription_id } : {}) } : { found: false };
    }
    case 'domain': {
      const domain = domainIn(facts, key.domain);
      return domain ? { found: true, bought: { domain: { domain: key.domain, status: domain.status ?? null } } } : { found: false };
    }
    case 'renewal': {
      const subscription = subscriptionIn(facts, key.subscriptionId);
      if (!subscription || baseline.kind !== 'renewal') return { found: false };
      const dates = { expires_at: subscription.expires_at ?? null, next_billing_at: subscription.next_billing_at ?? null };
      if (!renewalMoved(baseline, dates)) return { found: false };
      // Hostinger's own renewal, due since the baseline was read, moves the same dates by the same period:
      // the subscription cannot say whose renewal it was (ours may have been lost before Hostinger read it).
      const dueAt = baseline.is_auto_renewed && baseline.next_billing_at !== null ? Date.parse(baseline.next_billing_at) : Number.NaN;
      if (dueAt <= now) {
        return {
          found: false,
          ambiguous: `${subscription.id} renews automatically and was due at ${baseline.next_billing_at}: its new expiry may be Hostinger's automatic renewal, not this request's`,
        };
      }
      return { found: true, bought: { subscription: { id: subscription.id, ...dates } } };
    }
  }
}
