/**
 * Switchable faults for the purchase endpoints (orders, VPS, domains, renewals): parsing rules, matching them to a request
 * and counting them down. Pure: the server keeps the active list and applies what fires.
 */

export const FAULT_KINDS = [
  'error500', // 500 before any order is created
  'error500AfterCreate', // the order is created, then a 500 is answered
  'error500AfterPendingOrder', // the order is created awaiting payment (3-D Secure asked) if its method can be left pending, then a 500
  'error502',
  'error503',
  'error504',
  'error502CreateLater', // the gateway answers 502 at once; the application behind it creates the order delayMs later
  'error504CreateLater', // the same with a 504 (the gateway timed out while the application went on)
  'rateLimit', // 429, with Retry-After when retryAfterSeconds is set
  'reset', // the socket is destroyed before the order is created
  'resetAfterCreate', // the order is created, then the socket is destroyed
  'delay', // answers normally after delayMs
  'accepted', // the order is created as payment_initiated and answered with a 202
  'unauthorized', // 401 even with the right token
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultMatch {
  coupon?: string;
  itemId?: string;
  paymentMethodId?: number;
  /** The start of the request's path, e.g. `/api/vps/` for VPS purchases only. */
  path?: string;
}

export interface FaultRule {
  fault: FaultKind;
  /** How many matching order requests it applies to; default 1; -1 = forever. */
  times?: number;
  retryAfterSeconds?: number;
  /** delay: before the answer; error502CreateLater/error504CreateLater: after it, before the order is made. */
  delayMs?: number;
  /** Every given field must match; absent = any order request. */
  match?: FaultMatch;
}

/** A rule as kept in the active list: its remaining count is explicit. */
export interface ActiveFaultRule extends FaultRule {
  times: number;
}

/** What of an order request a rule can match on. */
export interface FaultTarget {
  coupons: string[];
  itemIds: string[];
  /** The method that would pay (the default one when the body names none). */
  paymentMethodId: number | undefined;
  /** The purchase endpoint's path, when known. */
  path?: string;
}

export type ParsedFaultRules = { ok: true; rules: ActiveFaultRule[] } | { ok: false; error: string };

export const FOREVER = -1;

/** Faults that take `delayMs`: how long the answer, or the order made after the answer, waits. */
const FAULTS_WITH_DELAY: ReadonlySet<FaultKind> = new Set(['delay', 'error502CreateLater', 'error504CreateLater']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFaultKind(value: unknown): value is FaultKind {
  return FAULT_KINDS.some((kind) => kind === value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function unknownKeys(record: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(record).filter((key) => !allowed.includes(key));
}

/** Returns the problem with a match object, or undefined when it is fine. */
function matchProblem(match: unknown): string | undefined {
  if (!isRecord(match)) return 'match must be an object';
  const extra = unknownKeys(match, ['coupon', 'itemId', 'paymentMethodId', 'path']);
  if (extra.length > 0) return `match has unknown fields: ${extra.join(', ')}`;
  if (match.coupon !== undefined && typeof match.coupon !== 'string') return 'match.coupon must be a string';
  if (match.itemId !== undefined && typeof match.itemId !== 'string') return 'match.itemId must be a string';
  if (match.path !== undefined && typeof match.path !== 'string') return 'match.path must be a string';
  if (match.paymentMethodId !== undefined && !Number.isInteger(match.paymentMethodId)) {
    return 'match.paymentMethodId must be an integer';
  }
  return undefined;
}

function parseRule(input: unknown, label: string): ActiveFaultRule | string {
  if (!isRecord(input)) return `${label} must be an object`;
  const extra = unknownKeys(input, ['fault', 'times', 'retryAfterSeconds', 'delayMs', 'match']);
  if (extra.length > 0) return `${label} has unknown fields: ${extra.join(', ')}`;
  const { fault, times = 1, retryAfterSeconds, delayMs, match } = input;
  if (!isFaultKind(fault)) return `${label}.fault must be one of ${FAULT_KINDS.join(', ')}`;
  if (times !== FOREVER && !(isNonNegativeInteger(times) && times > 0)) {
    return `${label}.times must be a positive integer or -1 (forever)`;
  }
  if (retryAfterSeconds !== undefined && (fault !== 'rateLimit' || !isNonNegativeInteger(retryAfterSeconds))) {
    return `${label}.retryAfterSeconds must be a non-negative integer on a rateLimit fault`;
  }
  if (FAULTS_WITH_DELAY.has(fault) ? !isNonNegativeInteger(delayMs) : delayMs !== undefined) {
    return `${label}.delayMs (a non-negative integer) belongs to, and is required by, the faults ${[...FAULTS_WITH_DELAY].join(', ')}`;
  }
  const problem = match === undefined ? undefined : matchProblem(match);
  if (problem) return `${label}.${problem}`;
  return { ...(input as unknown as FaultRule), times: times as number };
}

/** Accepts `{rules: [...]}`, an array of rules or a single rule. */
export function parseFaultRules(input: unknown): ParsedFaultRules {
  const list = isRecord(input) && 'rules' in input ? input.rules : Array.isArray(input) ? input : [input];
  if (!Array.isArray(list)) return { ok: false, error: 'rules must be an array of fault rules' };
  const rules: ActiveFaultRule[] = [];
  for (const [index, item] of list.entries()) {
    const parsed = parseRule(item, `rules[${index}]`);
    if (typeof parsed === 'string') return { ok: false, error: parsed };
    rules.push(parsed);
  }
  return { ok: true, rules };
}

/**
 * Reads what rules match on from any body, however malformed (faults fire before validation): an order's
 * `items[].item_id`, or a VPS or domain purchase's own `item_id`.
 */
export function faultTarget(body: unknown, defaultPaymentMethodId: number, path?: string): FaultTarget {
  const input = isRecord(body) ? body : {};
  const items = Array.isArray(input.items) ? input.items : [input];
  const method = input.payment_method_id ?? defaultPaymentMethodId;
  return {
    coupons: Array.isArray(input.coupons) ? input.coupons.filter((coupon) => typeof coupon === 'string') : [],
    itemIds: items.flatMap((item) => (isRecord(item) && typeof item.item_id === 'string' ? [item.item_id] : [])),
    paymentMethodId: typeof method === 'number' ? method : undefined,
    ...(path === undefined ? {} : { path }),
  };
}

export function ruleMatches(rule: FaultRule, target: FaultTarget): boolean {
  const { coupon, itemId, paymentMethodId, path } = rule.match ?? {};
  return (
    (path === undefined || (target.path ?? '').startsWith(path)) &&
    (coupon === undefined || target.coupons.includes(coupon)) &&
    (itemId === undefined || target.itemIds.includes(itemId)) &&
    (paymentMethodId === undefined || target.paymentMethodId === paymentMethodId)
  );
}

/**
 * The first matching rule (in the order added) fires and is counted down; a rule whose
 * count reaches zero leaves the active list. Forever rules (-1) never run out.
 */
export function takeFault(rules: readonly ActiveFaultRule[], target: FaultTarget): { fired: ActiveFaultRule | undefined; remaining: ActiveFaultRule[] } {
  const index = rules.findIndex((rule) => ruleMatches(rule, target));
  const fired = rules[index];
  if (!fired) return { fired: undefined, remaining: [...rules] };
  const remaining = [...rules];
  if (fired.times === FOREVER) return { fired, remaining };
  if (fired.times > 1) remaining[index] = { ...fired, times: fired.times - 1 };
  else remaining.splice(index, 1);
  return { fired, remaining };
}
