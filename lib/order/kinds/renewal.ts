import * as z from 'zod/mini';
import { coupons, paymentMethodId } from './fields.ts';

const SUBSCRIPTION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * A renewal: Hostinger's Billing.V1.Subscription.Renewal.RenewRequest plus the subscription it renews (the
 * path parameter of POST /api/billing/v1/subscriptions/{subscriptionId}/renew).
 */
export const renewalFields = {
  subscription_id: z.string({ error: 'must be a string' }).check(z.regex(SUBSCRIPTION_ID, 'must be a Hostinger subscription id (letters, digits, "_" and "-", up to 64)')),
  payment_method_id: paymentMethodId,
  coupons,
};
export const renewalRequestSchema = z.strictObject(renewalFields, { error: 'must be a JSON object' });
export type RenewalRequest = z.output<typeof renewalRequestSchema>;

export const renewPath = (subscriptionId: string) => `/api/billing/v1/subscriptions/${encodeURIComponent(subscriptionId)}/renew`;

/** The body sent to Hostinger: the RenewRequest without the path's subscription id. */
export function renewalBody(request: RenewalRequest): { payment_method_id?: number; coupons?: string[] } {
  const { subscription_id: _subscriptionId, ...body } = request;
  return body;
}

/** When a subscription is next due, read before the first attempt: a renewal moves either date later. */
export interface RenewalBaseline {
  expires_at: string | null;
  next_billing_at: string | null;
  /** Hostinger renews it by itself at next_billing_at, which moves the same dates (absent in holds taken before it was read). */
  is_auto_renewed?: boolean;
}

const later = (now: string | null, before: string | null) => now !== null && (before === null || Date.parse(now) > Date.parse(before));

export const renewalMoved = (before: RenewalBaseline, now: RenewalBaseline) => later(now.expires_at, before.expires_at) || later(now.next_billing_at, before.next_billing_at);
