/**
 * Laravel-style validation of the provisioning purchases: POST /api/vps/v1/virtual-machines
 * (VPS.V1.VirtualMachine.PurchaseRequest), POST /api/domains/v1/portfolio (Domains.V1.Portfolio.PurchaseRequest),
 * POST /api/billing/v1/subscriptions/{id}/renew (RenewRequest) and POST /api/domains/v1/availability.
 * Each valid purchase is one catalog line, paid like an order.
 */
import type { SubscriptionResource } from './billing-account.ts';
import type { PricedItem } from './catalog.ts';
import type { SandboxPaymentMethod } from './payment-methods.ts';
import { DATA_CENTERS, POST_INSTALL_SCRIPT_IDS, TEMPLATES, type VmSetup } from './provisioning.ts';
import {
  checkCoupons,
  checkItemId,
  checkPaymentMethod,
  errorCollector,
  type Fail,
  isMissing,
  isRecord,
  message,
  type ValidationErrors,
  type ValidOrder,
} from './validate-order.ts';

export type Validation<T> = { valid: true; value: T } | { valid: false; errors: ValidationErrors };

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const DOMAIN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const DOMAIN_NOT_AVAILABLE = 'The domain is not available for registration.';

function result<T>(errors: ValidationErrors, value: T | undefined): Validation<T> {
  return Object.keys(errors).length > 0 || value === undefined ? { valid: false, errors } : { valid: true, value };
}

/** One catalog item of the given category, bought once. */
function checkCategoryItem(value: unknown, category: string, fail: Fail): PricedItem | undefined {
  const priced = checkItemId(value, 'item_id', fail);
  if (priced && priced.item.category !== category) return fail('item_id', message.invalid('item_id'));
  return priced;
}

function checkOptionalInteger(value: unknown, attribute: string, allowed: readonly number[] | undefined, fail: Fail): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) return fail(attribute, message.integer(attribute));
  if (allowed && !allowed.includes(value)) return fail(attribute, message.invalid(attribute));
  return value;
}

function checkRequiredId(value: unknown, attribute: string, allowed: readonly number[], fail: Fail): number | undefined {
  if (isMissing(value)) return fail(attribute, message.required(attribute));
  return checkOptionalInteger(value, attribute, allowed, fail);
}

function checkOptionalString(value: unknown, attribute: string, fail: Fail): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return fail(attribute, message.string(attribute));
  return value;
}

function checkOptionalBoolean(value: unknown, attribute: string, fail: Fail): void {
  if (value !== undefined && value !== null && typeof value !== 'boolean') fail(attribute, message.boolean(attribute));
}

function checkSetup(value: unknown, fail: Fail): VmSetup | undefined {
  if (isMissing(value)) return fail('setup', message.required('setup'));
  if (!isRecord(value)) return fail('setup', message.array('setup'));
  const templateId = checkRequiredId(
    value.template_id,
    'setup.template_id',
    TEMPLATES.map((template) => template.id),
    fail,
  );
  const dataCenterId = checkRequiredId(
    value.data_center_id,
    'setup.data_center_id',
    DATA_CENTERS.map((center) => center.id),
    fail,
  );
  checkOptionalInteger(value.post_install_script_id, 'setup.post_install_script_id', POST_INSTALL_SCRIPT_IDS, fail);
  const password = checkOptionalString(value.password, 'setup.password', fail);
  if (password !== undefined && password.length < 12) fail('setup.password', message.minLength('setup.password', 12));
  const hostname = checkOptionalString(value.hostname, 'setup.hostname', fail);
  if (hostname !== undefined && !HOSTNAME.test(hostname)) fail('setup.hostname', message.format('setup.hostname'));
  checkOptionalBoolean(value.install_monarx, 'setup.install_monarx', fail);
  checkOptionalBoolean(value.enable_backups, 'setup.enable_backups', fail);
  const ns1 = checkOptionalString(value.ns1, 'setup.ns1', fail);
  const ns2 = checkOptionalString(value.ns2, 'setup.ns2', fail);
  if (value.public_key !== undefined && value.public_key !== null) {
    if (!isRecord(value.public_key)) fail('setup.public_key', message.array('setup.public_key'));
    else
      for (const field of ['name', 'key']) {
        const attribute = `setup.public_key.${field}`;
        if (isMissing(value.public_key[field])) fail(attribute, message.required(attribute));
        else checkOptionalString(value.public_key[field], attribute, fail);
      }
  }
  if (templateId === undefined || dataCenterId === undefined) return undefined;
  return { templateId, dataCenterId, hostname: hostname?.toLowerCase(), ns1, ns2 };
}

function order(paymentMethod: SandboxPaymentMethod | undefined, priced: PricedItem | undefined, coupons: string[]): ValidOrder | undefined {
  return paymentMethod && priced ? { paymentMethod, lines: [{ priced, quantity: 1 }], coupons, currency: priced.price.currency } : undefined;
}

export function validateVpsPurchase(body: unknown): Validation<{ order: ValidOrder; setup: VmSetup }> {
  const { errors, fail } = errorCollector();
  const input = isRecord(body) ? body : {};
  const priced = checkCategoryItem(input.item_id, 'VPS', fail);
  const paymentMethod = checkPaymentMethod(input.payment_method_id, fail);
  const setup = checkSetup(input.setup, fail);
  const coupons = checkCoupons(input.coupons, fail);
  const valid = order(paymentMethod, priced, coupons);
  return result(errors, valid && setup && { order: valid, setup });
}

export function validateDomainPurchase(body: unknown, isAvailable: (domain: string) => boolean): Validation<{ order: ValidOrder; domain: string }> {
  const { errors, fail } = errorCollector();
  const input = isRecord(body) ? body : {};
  let domain: string | undefined;
  if (isMissing(input.domain)) fail('domain', message.required('domain'));
  else if (typeof input.domain !== 'string') fail('domain', message.string('domain'));
  else if (!DOMAIN.test(input.domain.toLowerCase())) fail('domain', message.format('domain'));
  else if (!isAvailable(input.domain)) fail('domain', DOMAIN_NOT_AVAILABLE);
  else domain = input.domain.toLowerCase();
  const priced = checkCategoryItem(input.item_id, 'DOMAIN', fail);
  // A TLD's price buys that TLD only.
  if (priced && domain && !domain.endsWith(`.${String(priced.item.metadata?.tld)}`)) fail('item_id', message.invalid('item_id'));
  const paymentMethod = checkPaymentMethod(input.payment_method_id, fail);
  if (input.domain_contacts !== undefined && input.domain_contacts !== null) {
    if (!isRecord(input.domain_contacts)) fail('domain_contacts', message.array('domain_contacts'));
    else for (const field of ['owner_id', 'admin_id', 'billing_id', 'tech_id']) checkOptionalInteger(input.domain_contacts[field], `domain_contacts.${field}`, undefined, fail);
  }
  if (input.additional_details !== undefined && input.additional_details !== null && !isRecord(input.additional_details)) {
    fail('additional_details', message.array('additional_details'));
  }
  const coupons = checkCoupons(input.coupons, fail);
  const valid = order(paymentMethod, priced, coupons);
  return result(errors, valid && domain !== undefined ? { order: valid, domain } : undefined);
}

const RENEWABLE = new Set<SubscriptionResource['status']>(['active']);
export const NOT_RENEWABLE = 'The subscription cannot be renewed.';

/** A body is optional: an empty or missing one renews with the default payment method. */
export function validateRenewal(body: unknown, subscription: SubscriptionResource): Validation<{ paymentMethod: SandboxPaymentMethod; coupons: string[] }> {
  const { errors, fail } = errorCollector();
  const input = isRecord(body) ? body : {};
  if (!RENEWABLE.has(subscription.status)) fail('subscription_id', NOT_RENEWABLE);
  const paymentMethod = checkPaymentMethod(input.payment_method_id, fail);
  const coupons = checkCoupons(input.coupons, fail);
  return result(errors, paymentMethod && { paymentMethod, coupons });
}

export function validateAvailability(body: unknown): Validation<{ name: string; tlds: string[]; withAlternatives: boolean }> {
  const { errors, fail } = errorCollector();
  const input = isRecord(body) ? body : {};
  let name: string | undefined;
  if (isMissing(input.domain)) fail('domain', message.required('domain'));
  else if (typeof input.domain !== 'string') fail('domain', message.string('domain'));
  else if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(input.domain.toLowerCase())) fail('domain', message.format('domain'));
  else name = input.domain.toLowerCase();
  let tlds: string[] = [];
  if (isMissing(input.tlds)) fail('tlds', message.required('tlds'));
  else if (!Array.isArray(input.tlds)) fail('tlds', message.array('tlds'));
  else
    tlds = input.tlds.flatMap((tld, index) => {
      if (typeof tld !== 'string') return fail(`tlds.${index}`, message.string(`tlds.${index}`)) ?? [];
      if (!/^[a-z]{2,63}(\.[a-z]{2,63})?$/.test(tld.toLowerCase())) return fail(`tlds.${index}`, message.format(`tlds.${index}`)) ?? [];
      return [tld.toLowerCase()];
    });
  checkOptionalBoolean(input.with_alternatives, 'with_alternatives', fail);
  return result(errors, name === undefined ? undefined : { name, tlds, withAlternatives: input.with_alternatives === true });
}
