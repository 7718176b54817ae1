import { endpointMissing, type PaymentMethod } from '../hostinger/billing-reader.ts';
import type { OrderRequest } from '../order/order-request.ts';

/**
 * Whether an order paid with the request's payment method can exist with no subscription yet. An order
 * awaiting payment (a card's 3-D Secure check the API cannot pass, a payment still processing) has none
 * until it is paid, so the subscriptions list cannot show it: after a 5xx, its absence there is evidence
 * only for a method that settles within the order request.
 */
export type PendingPayment =
  /** The method settles within the request: an order it made is completed (with a subscription) or failed. */
  | { result: 'settled' }
  /** An order may wait for payment: the reason says what to check before ordering again. */
  | { result: 'mayBePending'; reason: string }
  /** The account's payment methods cannot be read now: the next delivery asks again. */
  | { result: 'deferred'; reason: string };

export type PendingPaymentCheck = (order: OrderRequest) => Promise<PendingPayment>;

/**
 * Payment-method kinds (`payment_method` of GET /api/billing/v1/payment-methods) that never leave an order
 * waiting: a saved PayPal billing agreement is charged by Hostinger's server with no step for the buyer.
 * Every other kind may: a card can be asked for 3-D Secure by its issuer on any payment, and kinds this
 * project does not know are treated as cards.
 */
export const DEFAULT_NEVER_PENDING_PAYMENT_KINDS: readonly string[] = ['paypal'];

export function createPendingPaymentCheck(deps: { paymentMethods: () => Promise<PaymentMethod[]>; neverPendingKinds: readonly string[] }): PendingPaymentCheck {
  return async (order) => {
    let methods: PaymentMethod[];
    try {
      methods = await deps.paymentMethods();
    } catch (error) {
      // An API without the list gives no kind to go by: 5xx answers are retried as without the check.
      if (endpointMissing(error)) return { result: 'settled' };
      return { result: 'deferred', reason: `the account's payment methods could not be read now (${error instanceof Error ? error.message : String(error)})` };
    }
    const method =
      order.payment_method_id === undefined ? methods.find((candidate) => candidate.is_default) : methods.find((candidate) => candidate.id === order.payment_method_id);
    if (method?.payment_method !== undefined && deps.neverPendingKinds.includes(method.payment_method)) return { result: 'settled' };
    const named = method ? `payment method ${method.id} (${method.payment_method ?? 'of no stated kind'})` : `payment method ${order.payment_method_id ?? '(the default)'}`;
    return { result: 'mayBePending', reason: `an order awaiting payment on ${named} may exist: check hPanel > Billing > Orders before ordering again` };
  };
}
