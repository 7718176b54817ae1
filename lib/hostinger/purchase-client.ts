import * as z from 'zod/mini';
import type { Bought } from '../order/kinds/bought.ts';
import { hostingerCall, type Purchase } from '../order/kinds/purchase.ts';
import type { BillingReader } from './billing-reader.ts';
import { classifyAnswer, classifyTransportError } from './classify-attempt.ts';
import type { HttpAnswer } from './http-answer.ts';
import { requestJson, TransportError } from './http-transport.ts';
import { apiUrl } from './order-client.ts';
import type { PlacePurchase, PurchaseAttempt } from './place-order.ts';
import { type ProvisioningReader, virtualMachineSchema, vmBought } from './provisioning-reader.ts';

const vpsAnswerSchema = z.looseObject({ order: z.unknown(), virtual_machine: z.nullish(z.unknown()) });

/** Hostinger's words for a domain someone holds: after an uncertain attempt of ours, that someone is likely us. */
const DOMAIN_TAKEN = /not available|unavailable|already (registered|taken|exists)|is taken/i;

const PENDING_VPS = 'the payment is pending and the VM was not set up: finish the purchase in hPanel (https://hpanel.hostinger.com/)';
const PENDING_DOMAIN = 'the payment is pending and the domain was not registered: finish the purchase in hPanel (https://hpanel.hostinger.com/)';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A VPS answer is `{order, virtual_machine}`: the order classifies as any order, the VM is what was bought. */
function classifyVps(answer: HttpAnswer, now: number): PurchaseAttempt {
  if (answer.status < 200 || answer.status >= 300) return classifyAnswer(answer, now);
  const parsed = vpsAnswerSchema.safeParse(parseJson(answer.body));
  const inner = classifyAnswer({ ...answer, body: JSON.stringify(parsed.success ? parsed.data.order : null) }, now);
  if (inner.kind === 'pending') return { ...inner, effect: { notice: PENDING_VPS } };
  if (inner.kind !== 'succeeded') return inner;
  const vm = virtualMachineSchema.safeParse(parsed.success ? parsed.data.virtual_machine : undefined);
  return vm.success
    ? { ...inner, effect: { bought: { vm: vmBought(vm.data) } } }
    : { ...inner, effect: { notice: 'the order completed but Hostinger did not describe the VM: if its setup failed, complete it in hPanel' } };
}

function classifyDomain(answer: HttpAnswer, now: number, uncertainBefore: boolean): PurchaseAttempt {
  const result = classifyAnswer(answer, now);
  if (result.kind === 'pending') return { ...result, effect: { notice: PENDING_DOMAIN } };
  const taken = result.kind === 'rejected' && (result.error.fieldErrors?.domain ?? []).some((message) => DOMAIN_TAKEN.test(message));
  // Our own registration, made by the attempt whose answer we never got: settled by the portfolio, not refused.
  if (taken && uncertainBefore) {
    return {
      kind: 'ambiguous',
      error: { ...result.error, message: `${result.error.message} (after an attempt of ours whose answer was lost: taken to be our own registration)` },
      effect: { takenAfterUncertainAttempt: true },
    };
  }
  return result;
}

/** Reads what a provisioning purchase bought, when its answer does not say: the domain's status, the renewed subscription. */
async function describe(purchase: Purchase, token: string, reads: PurchaseReads): Promise<Bought | undefined> {
  try {
    if (purchase.kind === 'domain') {
      const found = (await reads.provisioning.portfolio(token)).find((domain) => domain.domain === purchase.domain);
      return { domain: { domain: purchase.domain, status: found?.status ?? null } };
    }
    if (purchase.kind === 'renewal') {
      const found = (await reads.billing.subscriptions(token)).find((subscription) => subscription.id === purchase.subscription_id);
      return found && { subscription: { id: found.id, expires_at: found.expires_at ?? null, next_billing_at: found.next_billing_at ?? null } };
    }
  } catch {
    // Only a description: the purchase stands; the outcome says what is known.
  }
  return purchase.kind === 'domain' ? { domain: { domain: purchase.domain, status: null } } : undefined;
}

export interface PurchaseReads {
  billing: Pick<BillingReader, 'subscriptions'>;
  provisioning: Pick<ProvisioningReader, 'portfolio'>;
}

/** The client of every purchase endpoint: the kind decides the call and how its answer is read. */
export function createPurchaseClient(options: { baseUrl: string; timeoutMs: number; reads: PurchaseReads; now?: () => number }): PlacePurchase {
  const now = options.now ?? Date.now;
  return async (purchase, token, context) => {
    // Only a VPS needs its request id (for the hostname derived from it); never make one up.
    if (purchase.kind === 'vps' && context === undefined) throw new Error('a VPS purchase is placed with its request id');
    const { path, body } = hostingerCall(purchase, context?.requestId ?? '');
    let answer: HttpAnswer;
    try {
      answer = await requestJson({ method: 'POST', url: apiUrl(options.baseUrl, path), token, body, timeoutMs: options.timeoutMs });
    } catch (error) {
      if (error instanceof TransportError) return classifyTransportError(error);
      throw error;
    }
    const result: PurchaseAttempt =
      purchase.kind === 'vps'
        ? classifyVps(answer, now())
        : purchase.kind === 'domain'
          ? classifyDomain(answer, now(), context?.uncertainBefore ?? false)
          : classifyAnswer(answer, now());
    if (result.kind !== 'succeeded' || result.effect?.bought || purchase.kind === undefined) return result;
    const bought = await describe(purchase, token, options.reads);
    return bought ? { ...result, effect: { ...result.effect, bought } } : result;
  };
}
