import * as z from 'zod/mini';
import { coupons, domainName, itemId, paymentMethodId, positiveId } from './fields.ts';

/** Hostinger's Domains.V1.Portfolio.PurchaseRequest (POST /api/domains/v1/portfolio), strictly. */
export const domainFields = {
  domain: domainName,
  item_id: itemId,
  payment_method_id: paymentMethodId,
  domain_contacts: z.optional(
    z.strictObject(
      { owner_id: z.optional(positiveId), admin_id: z.optional(positiveId), billing_id: z.optional(positiveId), tech_id: z.optional(positiveId) },
      { error: 'must be an object of WHOIS contact ids' },
    ),
  ),
  // TLD-specific registration data (Hostinger validates it): any JSON object, bounded by the body size.
  additional_details: z.optional(z.record(z.string(), z.unknown(), { error: 'must be an object' })),
  coupons,
};
export const domainRequestSchema = z.strictObject(domainFields, { error: 'must be a JSON object' });
export type DomainRequest = z.output<typeof domainRequestSchema>;

export const DOMAIN_PURCHASE_PATH = '/api/domains/v1/portfolio';

/** The TLD a domain is registered under, as the availability check takes it (`com` for `my-site.com`). */
export const tldOf = (domain: string) => domain.slice(domain.indexOf('.') + 1);
export const nameOf = (domain: string) => domain.slice(0, domain.indexOf('.'));
