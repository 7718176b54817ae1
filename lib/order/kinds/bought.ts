import * as z from 'zod/mini';

/**
 * What a purchase of a provisioning kind gave the user, as outcomes and GET /orders/{requestId} show it:
 * the VM (id, hostname, addresses), the domain and its status, the renewed subscription and its new expiry.
 */
export const boughtSchema = z.object({
  vm: z.optional(
    z.object({
      id: z.int(),
      hostname: z.string(),
      state: z.nullable(z.string()),
      ipv4: z.array(z.string()),
      ipv6: z.array(z.string()),
      subscriptionId: z.nullable(z.string()),
    }),
  ),
  domain: z.optional(z.object({ domain: z.string(), status: z.nullable(z.string()) })),
  subscription: z.optional(z.object({ id: z.string(), expires_at: z.nullable(z.string()), next_billing_at: z.nullable(z.string()) })),
});
export type Bought = z.output<typeof boughtSchema>;

/** What an attempt of a provisioning kind adds to its classification: what it bought, and a note for pending ones. */
export interface PurchaseEffect {
  bought?: Bought;
  /** Why a purchase is pending or incomplete, in words for the user (finish it in hPanel). */
  notice?: string;
  /** A domain purchase met "not available" after an attempt of ours whose effect is unknown: most likely our own registration. */
  takenAfterUncertainAttempt?: boolean;
}
