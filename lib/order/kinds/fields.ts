import * as z from 'zod/mini';
import { ORDER_LIMITS, orderFields, orderItemSchema } from '../order-request.ts';

/**
 * Field rules shared by the purchase kinds, built on the order request's own (one source of truth):
 * Hostinger's specs give types only, the limits are ours.
 */
export const paymentMethodId = orderFields.payment_method_id;
export const coupons = orderFields.coupons;
export const itemId = orderItemSchema.shape.item_id;

export const positiveId = z.int({ error: 'must be an integer' }).check(z.gte(1, 'must be a positive integer'), z.lte(2 ** 31 - 1, 'is too large'));

export const text = (min: number, max: number) =>
  z
    .string({ error: 'must be a string' })
    .check(z.minLength(min, min > 1 ? `must be at least ${min} characters` : 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`));

// A DNS name: labels of letters, digits and inner hyphens, 1-63 characters each, 253 in all.
const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
export const dnsName = z
  .string({ error: 'must be a string' })
  .check(z.regex(DNS_NAME, 'must be a host name: letters, digits and "-" in dot-separated labels of up to 63 characters'));

/** A registrable domain: at least two labels, the last one letters only (the TLD). */
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const domainName = z.string({ error: 'must be a string' }).check(z.regex(DOMAIN, 'must be a domain name in lower case, like my-new-domain.tld'));

export { ORDER_LIMITS };
