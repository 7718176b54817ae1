/** The sandbox account's state: the orders it has created and the subscriptions they started. */
import { randomInt } from 'node:crypto';
import type { PeriodUnit } from './catalog.ts';
import type { SandboxPaymentMethod } from './payment-methods.ts';
import type { OrderLine, ValidOrder } from './validate-order.ts';

export type OrderStatus = 'completed' | 'pending' | 'processing' | 'failed' | 'refunded' | 'cancelled' | 'awaiting_payment' | 'payment_initiated' | 'fraud_refund';

export interface BillingAddressResource {
  first_name: string;
  last_name: string;
  company: string | null;
  address_1: string | null;
  address_2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country: string | null;
  phone: string | null;
  email: string;
}

export interface OrderResource {
  id: number;
  subscription_id: string;
  status: OrderStatus;
  currency: string;
  subtotal: number;
  total: number;
  billing_address: BillingAddressResource;
  created_at: string;
  updated_at: string;
}

export interface SubscriptionResource {
  id: string;
  name: string;
  status: 'active';
  billing_period: number;
  billing_period_unit: PeriodUnit;
  currency_code: string;
  total_price: number;
  renewal_price: number;
  is_auto_renewed: boolean;
  created_at: string;
  expires_at: string | null;
  next_billing_at: string | null;
}

/** Which purchase endpoint made an order. */
export type PurchaseEndpoint = 'order' | 'vps' | 'domain' | 'renewal';

export interface SandboxOrderRecord {
  kind: PurchaseEndpoint;
  order: OrderResource;
  /** The subscription a renewal renewed. */
  renews?: string;
  /** The parsed request body. */
  request: unknown;
  receivedAt: string;
  paymentMethodId: number;
  items: { item_id: string; quantity: number }[];
  coupons: string[];
  /** HTTP status sent, or 0 if the connection was reset. */
  answeredWith: number;
}

const FIRST_ORDER_ID = 2957086;
const VAT_PERCENT = 21;

const BILLING_ADDRESS: BillingAddressResource = {
  first_name: 'John',
  last_name: 'Doe',
  company: null,
  address_1: 'Švitrigailos g. 34',
  address_2: null,
  city: 'Vilnius',
  state: null,
  zip: '03230',
  country: 'LT',
  phone: null,
  email: 'john@doe.tld',
};

/** The API's timestamps carry no milliseconds: `2025-02-27T11:54:22Z`. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Subtotal is the first-period price of every line (exc. VAT); total adds 21% VAT, rounded to a cent. */
function orderTotals(lines: readonly OrderLine[]): { subtotal: number; total: number } {
  const subtotal = lines.reduce((sum, line) => sum + line.priced.price.first_period_price * line.quantity, 0);
  return { subtotal, total: Math.round((subtotal * (100 + VAT_PERCENT)) / 100) };
}

/**
 * How a payment goes this time: as the method usually does; still processing (answered 202); or held for a
 * 3-D Secure check the card's issuer asked for on this payment.
 */
export type PaymentTurn = 'usual' | 'processing' | 'verificationAsked';

/** An order is pending when the payment goes on asynchronously (202) or waits for a 3-D Secure check. */
export function newOrderStatus(method: SandboxPaymentMethod, turn: PaymentTurn): OrderStatus {
  if (turn === 'processing') return 'payment_initiated';
  if (method.behaviour === 'needsCardVerification' || (turn === 'verificationAsked' && method.mayBeLeftPending)) return 'awaiting_payment';
  return 'completed';
}

/** Why an order's payment cannot be completed here: no such billing order, or it waits for no payment. */
export type PaymentRefusal = 'no such order' | 'not awaiting payment';

const AWAITING_PAYMENT: ReadonlySet<OrderStatus> = new Set(['awaiting_payment', 'payment_initiated', 'pending', 'processing']);

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomSubscriptionId(): string {
  return Array.from({ length: 17 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
}

function addPeriod(from: Date, period: number, unit: PeriodUnit): Date | null {
  const date = new Date(from);
  switch (unit) {
    case 'day':
      date.setUTCDate(date.getUTCDate() + period);
      return date;
    case 'week':
      date.setUTCDate(date.getUTCDate() + 7 * period);
      return date;
    case 'month':
      date.setUTCMonth(date.getUTCMonth() + period);
      return date;
    case 'year':
      date.setUTCFullYear(date.getUTCFullYear() + period);
      return date;
    case 'none':
      return null;
  }
}

/** The subscription a completed order starts, billed on its first line's period. */
function subscriptionFor(order: OrderResource, lines: readonly OrderLine[], createdAt: Date): SubscriptionResource {
  const [first] = lines;
  if (!first) throw new Error('an order has at least one line');
  const { item, price } = first.priced;
  const expiresAt = addPeriod(createdAt, price.period, price.period_unit);
  const expiresAtText = expiresAt && isoSeconds(expiresAt);
  return {
    id: order.subscription_id,
    name: item.name,
    status: 'active',
    billing_period: price.period,
    billing_period_unit: price.period_unit,
    currency_code: order.currency,
    total_price: order.total,
    renewal_price: lines.reduce((sum, line) => sum + line.priced.price.price * line.quantity, 0),
    is_auto_renewed: true, // orders placed through the API renew automatically
    created_at: order.created_at,
    expires_at: expiresAtText,
    next_billing_at: expiresAtText,
  };
}

export class BillingAccount {
  #records: SandboxOrderRecord[] = [];
  #subscriptions: SubscriptionResource[] = [];
  #nextOrderId = FIRST_ORDER_ID;
  /** The lines of each billing order, for the subscription it starts once paid. */
  #lines = new Map<number, readonly OrderLine[]>();

  /** Creates the order (and, once completed, its subscription); returns the record of it. */
  placeOrder(valid: ValidOrder, request: unknown, receivedAt: Date, status: OrderStatus, kind: PurchaseEndpoint = 'order'): SandboxOrderRecord {
    const createdAt = new Date();
    const order = this.#newOrder(randomSubscriptionId(), status, valid.currency, orderTotals(valid.lines), createdAt);
    const record: SandboxOrderRecord = {
      kind,
      order,
      request,
      receivedAt: receivedAt.toISOString(),
      paymentMethodId: valid.paymentMethod.resource.id,
      items: valid.lines.map((line) => ({ item_id: line.priced.price.id, quantity: line.quantity })),
      coupons: valid.coupons,
      answeredWith: 0,
    };
    this.#records.push(record);
    if (kind === 'order') this.#lines.set(order.id, valid.lines);
    if (status === 'completed') this.#subscriptions.push(subscriptionFor(order, valid.lines, createdAt));
    return structuredClone(record);
  }

  /**
   * The payment of a billing order awaiting it completes (3-D Secure passed in hPanel, or processing done):
   * the order is completed and its subscription starts now, not when the order was made.
   */
  completePayment(orderId: number): SandboxOrderRecord | PaymentRefusal {
    const record = this.#records.find((candidate) => candidate.order.id === orderId);
    const lines = this.#lines.get(orderId);
    if (!record || !lines) return 'no such order';
    if (!AWAITING_PAYMENT.has(record.order.status)) return 'not awaiting payment';
    const paidAt = new Date();
    record.order = { ...record.order, status: 'completed', updated_at: isoSeconds(paidAt) };
    this.#subscriptions.push(subscriptionFor({ ...record.order, created_at: isoSeconds(paidAt) }, lines, paidAt));
    return structuredClone(record);
  }

  #newOrder(subscriptionId: string, status: OrderStatus, currency: string, totals: { subtotal: number; total: number }, createdAt: Date): OrderResource {
    return {
      id: this.#nextOrderId++,
      subscription_id: subscriptionId,
      status,
      currency,
      ...totals,
      billing_address: { ...BILLING_ADDRESS },
      created_at: isoSeconds(createdAt),
      updated_at: isoSeconds(createdAt),
    };
  }

  findSubscription(id: string): SubscriptionResource | undefined {
    return structuredClone(this.#subscriptions.find((subscription) => subscription.id === id));
  }

  /**
   * Places a renewal order for a subscription at its renewal price; once completed, the subscription runs one
   * more billing period from when it expires (or from now, if it already has).
   */
  renew(subscriptionId: string, payment: { paymentMethodId: number; coupons: string[] }, request: unknown, receivedAt: Date, status: OrderStatus): SandboxOrderRecord {
    const subscription = this.#subscriptions.find((candidate) => candidate.id === subscriptionId);
    if (!subscription) throw new Error(`no subscription ${subscriptionId}`);
    const createdAt = new Date();
    const subtotal = subscription.renewal_price;
    const order = this.#newOrder(subscriptionId, status, subscription.currency_code, { subtotal, total: Math.round((subtotal * (100 + VAT_PERCENT)) / 100) }, createdAt);
    const record: SandboxOrderRecord = { kind: 'renewal', order, renews: subscriptionId, request, receivedAt: receivedAt.toISOString(), ...payment, items: [], answeredWith: 0 };
    this.#records.push(record);
    if (status === 'completed') {
      const expires = subscription.expires_at === null ? createdAt : new Date(Math.max(Date.parse(subscription.expires_at), createdAt.getTime()));
      const next = addPeriod(expires, subscription.billing_period, subscription.billing_period_unit);
      subscription.expires_at = next && isoSeconds(next);
      subscription.next_billing_at = subscription.expires_at;
    }
    return structuredClone(record);
  }

  recordAnswer(orderId: number, httpStatus: number): void {
    const record = this.#records.find((candidate) => candidate.order.id === orderId);
    if (record) record.answeredWith = httpStatus;
  }

  orders(): SandboxOrderRecord[] {
    return structuredClone(this.#records);
  }

  subscriptions(): SubscriptionResource[] {
    return structuredClone(this.#subscriptions);
  }
}
