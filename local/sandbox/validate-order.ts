/**
 * Laravel-style validation of a POST /api/billing/v1/orders body (PurchaseRequest semantics,
 * which StoreRequest bodies also satisfy). Pure: the catalog and payment methods are fixtures.
 *
 * Like Laravel, errors are keyed by attribute in rule order (payment_method_id, items,
 * items.*.item_id, items.*.quantity, coupons), with one message per attribute (as if `bail`).
 */
import { findPricedItem, type PricedItem } from './catalog.ts';
import { DEFAULT_PAYMENT_METHOD_ID, findPaymentMethod, type SandboxPaymentMethod } from './payment-methods.ts';

export type ValidationErrors = Record<string, string[]>;

export interface OrderLine {
  priced: PricedItem;
  quantity: number;
}

export interface ValidOrder {
  paymentMethod: SandboxPaymentMethod;
  lines: OrderLine[];
  coupons: string[];
  currency: string;
}

export type OrderValidation = { valid: true; order: ValidOrder } | { valid: false; errors: ValidationErrors };

/** Records an error; returns undefined so checks can `return fail(...)`. */
export type Fail = (attribute: string, message: string) => undefined;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Laravel's `required`: null, blank strings and empty arrays count as missing. */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

/** Top-level attributes read with spaces ("payment method id"); nested ones keep their key ("items.0.item_id"). */
function displayName(attribute: string): string {
  return attribute.includes('.') ? attribute : attribute.replaceAll('_', ' ');
}

export const message = {
  required: (attribute: string) => `The ${displayName(attribute)} field is required.`,
  integer: (attribute: string) => `The ${displayName(attribute)} field must be an integer.`,
  string: (attribute: string) => `The ${displayName(attribute)} field must be a string.`,
  array: (attribute: string) => `The ${displayName(attribute)} field must be an array.`,
  atLeast: (attribute: string, min: number) => `The ${displayName(attribute)} field must be at least ${min}.`,
  invalid: (attribute: string) => `The selected ${displayName(attribute)} is invalid.`,
  boolean: (attribute: string) => `The ${displayName(attribute)} field must be true or false.`,
  minLength: (attribute: string, min: number) => `The ${displayName(attribute)} field must be at least ${min} characters.`,
  format: (attribute: string) => `The ${displayName(attribute)} field format is invalid.`,
};

/** Collects Laravel-style errors: `fail` records one and returns undefined, so checks can `return fail(...)`. */
export function errorCollector(): { errors: ValidationErrors; fail: Fail } {
  const errors: ValidationErrors = {};
  return {
    errors,
    fail: (attribute, text) => {
      (errors[attribute] ??= []).push(text);
      return undefined;
    },
  };
}

const EXPIRED_PAYMENT_METHOD_MESSAGE = 'The selected payment method is expired.';
const MIXED_CURRENCIES_MESSAGE = 'The items must all be priced in the same currency.';

export function checkPaymentMethod(value: unknown, fail: Fail): SandboxPaymentMethod | undefined {
  const attribute = 'payment_method_id';
  const id = value ?? DEFAULT_PAYMENT_METHOD_ID; // nullable: the account's default pays
  if (typeof id !== 'number' || !Number.isInteger(id)) return fail(attribute, message.integer(attribute));
  const method = findPaymentMethod(id);
  if (!method) return fail(attribute, message.invalid(attribute));
  if (method.behaviour === 'expired') return fail(attribute, EXPIRED_PAYMENT_METHOD_MESSAGE);
  return method;
}

function checkItemsList(value: unknown, fail: Fail): unknown[] {
  if (isMissing(value)) return fail('items', message.required('items')) ?? [];
  if (!Array.isArray(value)) return fail('items', message.array('items')) ?? [];
  return value;
}

function field(item: unknown, name: string): unknown {
  return isRecord(item) ? item[name] : undefined;
}

export function checkItemId(value: unknown, attribute: string, fail: Fail): PricedItem | undefined {
  if (isMissing(value)) return fail(attribute, message.required(attribute));
  if (typeof value !== 'string') return fail(attribute, message.string(attribute));
  return findPricedItem(value) ?? fail(attribute, message.invalid(attribute));
}

function checkQuantity(value: unknown, attribute: string, fail: Fail): number | undefined {
  if (value === undefined || value === null) return 1; // PurchaseRequest: quantity defaults to 1
  if (typeof value !== 'number' || !Number.isInteger(value)) return fail(attribute, message.integer(attribute));
  if (value < 1) return fail(attribute, message.atLeast(attribute, 1));
  return value;
}

export function checkCoupons(value: unknown, fail: Fail): string[] {
  if (isMissing(value)) return [];
  if (!Array.isArray(value)) return fail('coupons', message.array('coupons')) ?? [];
  value.forEach((coupon, index) => {
    if (typeof coupon !== 'string') fail(`coupons.${index}`, message.string(`coupons.${index}`));
  });
  return value.filter((coupon): coupon is string => typeof coupon === 'string');
}

/** A body that is not a JSON object is validated as an empty one, as Laravel does. */
export function validateOrderRequest(body: unknown): OrderValidation {
  const { errors, fail } = errorCollector();
  const input = isRecord(body) ? body : {};

  const paymentMethod = checkPaymentMethod(input.payment_method_id, fail);
  const items = checkItemsList(input.items, fail);
  const pricedItems = items.map((item, index) => checkItemId(field(item, 'item_id'), `items.${index}.item_id`, fail));
  const quantities = items.map((item, index) => checkQuantity(field(item, 'quantity'), `items.${index}.quantity`, fail));
  const lines = pricedItems.flatMap((priced, index) => {
    const quantity = quantities[index];
    return priced && quantity !== undefined ? [{ priced, quantity }] : [];
  });
  const currencies = new Set(lines.map((line) => line.priced.price.currency));
  if (currencies.size > 1) fail('items', MIXED_CURRENCIES_MESSAGE);
  const coupons = checkCoupons(input.coupons, fail);

  const [currency] = currencies;
  if (Object.keys(errors).length > 0 || !paymentMethod || currency === undefined) return { valid: false, errors };
  return { valid: true, order: { paymentMethod, lines, coupons, currency } };
}
