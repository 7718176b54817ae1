import * as z from 'zod/mini';

/** Hostinger's Billing.V1.Order.OrderResource, as far as this project relies on it. */
export const ORDER_STATUSES = ['completed', 'pending', 'processing', 'failed', 'refunded', 'cancelled', 'awaiting_payment', 'payment_initiated', 'fraud_refund'] as const;

const nullableString = z.nullish(z.string());
const nullableInt = z.nullish(z.int());

export const orderResourceSchema = z.looseObject({
  id: z.int(),
  subscription_id: nullableString,
  status: z.enum(ORDER_STATUSES),
  currency: nullableString,
  subtotal: nullableInt,
  total: nullableInt,
  billing_address: z.nullish(z.record(z.string(), z.unknown())),
  created_at: nullableString,
  updated_at: nullableString,
});
export type OrderResource = z.output<typeof orderResourceSchema>;

/** Hostinger's error body: 422 `{message, errors, correlation_id}`, 401 and 500 `{message, correlation_id}`. */
export const errorBodySchema = z.looseObject({
  message: z.optional(z.string()),
  errors: z.optional(z.record(z.string(), z.array(z.unknown()))),
  correlation_id: z.optional(z.string()),
});
