import { z } from 'zod';

/** Hostinger's Billing.V1.Order.OrderResource, as far as this project relies on it. */
export const ORDER_STATUSES = [
  'completed',
  'pending',
  'processing',
  'failed',
  'refunded',
  'cancelled',
  'awaiting_payment',
  'payment_initiated',
  'fraud_refund',
] as const;

const nullableString = z.string().nullable().optional();

export const orderResourceSchema = z.looseObject({
  id: z.number().int(),
  subscription_id: nullableString,
  status: z.enum(ORDER_STATUSES),
  currency: nullableString,
  subtotal: z.number().int().nullable().optional(),
  total: z.number().int().nullable().optional(),
  billing_address: z.record(z.string(), z.unknown()).nullable().optional(),
  created_at: nullableString,
  updated_at: nullableString,
});
export type OrderResource = z.output<typeof orderResourceSchema>;

/** Hostinger's error body: 422 `{message, errors, correlation_id}`, 401 and 500 `{message, correlation_id}`. */
export const errorBodySchema = z.looseObject({
  message: z.string().optional(),
  errors: z.record(z.string(), z.array(z.unknown())).optional(),
  correlation_id: z.string().optional(),
});
