import * as z from 'zod/mini';

/**
 * The order request: Hostinger's StoreRequest shape (payment_method_id, items, coupons), also accepting
 * the newer PurchaseRequest (payment_method_id optional, quantity defaulting to 1). Limits are ours: the
 * API states none, and a request that spends money should never carry absurd values.
 */
export const ORDER_LIMITS = {
  maxItems: 50,
  maxQuantity: 100,
  maxCoupons: 10,
  maxItemIdLength: 128,
  maxCouponLength: 64,
} as const;

// Catalog price ids look like `hostingercom-vps-kvm2-usd-1m`.
const ITEM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Coupon codes are short printable tokens; the spec's own example contains a space ("Coupon 3").
const COUPON_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/;
const REQUEST_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

// zod/mini rather than classic zod: the same schemas, tree-shaken, for a bundle hundreds of KB smaller.
const boundedString = (maxLength: number, pattern: RegExp, allowed: string) =>
  z
    .string({ error: 'must be a string' })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(maxLength, `must be at most ${maxLength} characters`), z.regex(pattern, `may contain only ${allowed}`));

const boundedInt = (min: number, max: number, tooSmall: string, tooLarge: string) => z.int({ error: 'must be an integer' }).check(z.gte(min, tooSmall), z.lte(max, tooLarge));

const itemId = boundedString(ORDER_LIMITS.maxItemIdLength, ITEM_ID_PATTERN, 'letters, digits, ".", "_" and "-"');
const coupon = boundedString(ORDER_LIMITS.maxCouponLength, COUPON_PATTERN, 'letters, digits, spaces, ".", "_" and "-"');
const quantity = boundedInt(1, ORDER_LIMITS.maxQuantity, 'must be at least 1', `must be at most ${ORDER_LIMITS.maxQuantity}`);

export const orderItemSchema = z.strictObject({
  item_id: itemId,
  quantity: z._default(quantity, 1),
});

/** The fields of an order request: the HTTP body, the queue message, and each order of a scheduled plan. */
export const orderFields = {
  payment_method_id: z.optional(boundedInt(1, 2 ** 31 - 1, 'must be a positive integer', 'is too large')),
  items: z
    .array(orderItemSchema, { error: 'must be an array of items' })
    .check(z.minLength(1, 'must contain at least one item'), z.maxLength(ORDER_LIMITS.maxItems, `must contain at most ${ORDER_LIMITS.maxItems} items`)),
  coupons: z.optional(
    z.array(coupon, { error: 'must be an array of strings' }).check(z.maxLength(ORDER_LIMITS.maxCoupons, `must contain at most ${ORDER_LIMITS.maxCoupons} coupons`)),
  ),
};

export const orderRequestSchema = z.strictObject(orderFields, { error: 'must be a JSON object' });
export type OrderRequest = z.output<typeof orderRequestSchema>;

export const requestIdSchema = boundedString(128, REQUEST_ID_PATTERN, 'letters, digits, ".", "_", ":" and "-"');

/** Marks an order as one of a scheduled batch run, whose summary is published when all its orders end. */
export const planRunRefSchema = z.strictObject({
  run: requestIdSchema,
  size: z.int().check(z.gte(1), z.lte(100_000)),
});
export type PlanRunRef = z.output<typeof planRunRefSchema>;

/** What travels on the orders queue: an order request plus an optional producer-chosen request id. */
export const orderMessageSchema = z.strictObject(
  { ...orderFields, requestId: z.optional(requestIdSchema), batchRun: z.optional(planRunRefSchema) },
  { error: 'must be a JSON object' },
);
export type OrderMessage = z.output<typeof orderMessageSchema>;

/** Field errors keyed by dotted path (`items.0.quantity`), the way Hostinger reports its own. */
export type FieldErrors = Record<string, string[]>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function toFieldErrors(error: z.core.$ZodError): FieldErrors {
  // A Map, not an object literal: field names come from the caller, and `toString`, `constructor` or
  // `__proto__` would otherwise find inherited members instead of an error list.
  const errors = new Map<string, string[]>();
  const add = (path: PropertyKey[], message: string) => {
    const key = path.length === 0 ? 'body' : path.map(String).join('.');
    const messages = errors.get(key);
    if (messages) messages.push(message);
    else errors.set(key, [message]);
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key], 'is not a known field');
    } else {
      add(issue.path, issue.message);
    }
  }
  // Object.fromEntries defines own properties: a `__proto__` key stays a key.
  return Object.fromEntries(errors);
}

export function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown): Parsed<T> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toFieldErrors(result.error) };
}

export const parseOrderRequest = (input: unknown): Parsed<OrderRequest> => parseWith(orderRequestSchema, input);
export const parseOrderMessage = (input: unknown): Parsed<OrderMessage> => parseWith(orderMessageSchema, input);

/** The order part of a queue message, without the envelope's request id. */
export function orderOf(message: OrderMessage): OrderRequest {
  const { requestId: _requestId, batchRun: _batchRun, ...order } = message;
  return order;
}
