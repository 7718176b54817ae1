import fc from 'fast-check';

/**
 * Shared pieces of the fuzz tests: run settings, generators of valid and hostile order requests, and a
 * reference validator written from the rules of docs/api.md, independently of the zod schema it checks.
 *
 * FUZZ_SEED=<n> replays a run; on failure fast-check prints the seed and the counterexample's path.
 * FUZZ_RUNS=<n> sets the run count of every property (default: each test's own), for a longer soak.
 */
export function fuzzOptions(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED;
  const runs = process.env.FUZZ_RUNS;
  return {
    numRuns: runs ? Number(runs) : numRuns,
    ...(seed ? { seed: Number(seed) } : {}),
    // Shrinking a failure must not take the suite past its timeout.
    interruptAfterTimeLimit: 60_000,
  };
}

export const LIMITS = { maxItems: 50, maxQuantity: 100, maxCoupons: 10, maxItemId: 128, maxCoupon: 64, maxRequestId: 128, maxPaymentMethodId: 2 ** 31 - 1 };

// The character sets of docs/api.md, spelled out: a letter or digit first, then letters, digits and the listed marks.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const charset = (extra: string) => (text: string, max: number) =>
  text.length >= 1 && text.length <= max && ALNUM.includes(text[0] as string) && [...text].every((c) => ALNUM.includes(c) || extra.includes(c));
const isItemId = charset('._-');
const isCoupon = charset(' ._-');
const isRequestId = charset('._:-');

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isIntIn = (value: unknown, min: number, max: number) => typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const onlyKeys = (value: Record<string, unknown>, allowed: string[]) => Object.keys(value).every((key) => allowed.includes(key));

export type ReferenceOrder = { payment_method_id?: number; items: { item_id: string; quantity: number }[]; coupons?: string[]; requestId?: string };

/** The order a valid request stands for (quantity defaulted), or undefined when the rules of docs/api.md refuse it. */
export function referenceOrder(value: unknown, { message = false } = {}): ReferenceOrder | undefined {
  if (!isObject(value)) return undefined;
  if (!onlyKeys(value, message ? ['payment_method_id', 'items', 'coupons', 'requestId'] : ['payment_method_id', 'items', 'coupons'])) return undefined;
  const { payment_method_id, items, coupons, requestId } = value;
  if (payment_method_id !== undefined && !isIntIn(payment_method_id, 1, LIMITS.maxPaymentMethodId)) return undefined;
  if (!Array.isArray(items) || items.length < 1 || items.length > LIMITS.maxItems) return undefined;
  const normalized: ReferenceOrder['items'] = [];
  for (const item of items) {
    if (!isObject(item) || !onlyKeys(item, ['item_id', 'quantity'])) return undefined;
    if (typeof item.item_id !== 'string' || !isItemId(item.item_id, LIMITS.maxItemId)) return undefined;
    if (item.quantity !== undefined && !isIntIn(item.quantity, 1, LIMITS.maxQuantity)) return undefined;
    normalized.push({ item_id: item.item_id, quantity: (item.quantity as number | undefined) ?? 1 });
  }
  if (coupons !== undefined) {
    if (!Array.isArray(coupons) || coupons.length > LIMITS.maxCoupons) return undefined;
    if (!coupons.every((c) => typeof c === 'string' && isCoupon(c, LIMITS.maxCoupon))) return undefined;
  }
  if (message && requestId !== undefined && !(typeof requestId === 'string' && isRequestId(requestId, LIMITS.maxRequestId))) return undefined;
  return {
    ...(payment_method_id !== undefined ? { payment_method_id: payment_method_id as number } : {}),
    items: normalized,
    ...(coupons !== undefined ? { coupons: coupons as string[] } : {}),
    ...(message && requestId !== undefined ? { requestId: requestId as string } : {}),
  };
}

export const isValidRequestId = (value: unknown) => typeof value === 'string' && isRequestId(value, LIMITS.maxRequestId);

/** Keys that have hurt JavaScript parsers: prototype setters, and names every plain object inherits. */
export const DANGEROUS_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'toJSON', 'length'];

// Raw JSON fragments JSON.stringify cannot produce: spliced into the text in place of a marker string.
const RAW = (fragment: string) => `@@RAW:${fragment}@@`;
const RAW_FRAGMENTS = ['1e400', '-1e400', '1' + '0'.repeat(400), '-0', '0.0000000000000000000001', '1.0', '1e2', '100.00000000000001', '9007199254740993'];
/** JSON.stringify, then the raw fragments put in place. */
export const toJsonText = (value: unknown) => JSON.stringify(value).replace(/"@@RAW:([^"]*)@@"/g, (_, fragment: string) => fragment);

const UNICODE_SAMPLES = ['é', 'ｈｏｓｔｉｎｇｅｒ', '\u0000', '\u202e', '٣', 'İ', '🎉', '\ud800', 'a\u0301', '\u2028', '\ufeff', 'A\nB', ' '];

export const hostileString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...UNICODE_SAMPLES, ...DANGEROUS_KEYS, '', ' ', 'a'.repeat(129), 'A'.repeat(65), '../etc/passwd', '<script>', "' OR 1=1 --"),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._:-]{0,140}$/),
);

export const hostileNumber = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 100, 101, 2 ** 31 - 1, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 0.5, 1.5, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...RAW_FRAGMENTS.map(RAW)),
);

/** Values nested `depth` deep, as arrays or objects. */
const nested = (depth: number, asObject: boolean): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
};

const objectWithKeys = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...DANGEROUS_KEYS), fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 })
  .map((entries) => Object.fromEntries(entries));

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  hostileNumber,
  fc.constantFrom(null, true, false),
  // Objects and arrays made fresh for every value: mutations change them in place, and a constant instance
  // would carry one run's changes into the next (once given a value that holds it, it became circular).
  fc
    .constantFrom<() => unknown>(
      () => [],
      () => ({}),
    )
    .map((make) => make()),
  objectWithKeys,
  fc.integer({ min: 1, max: 2000 }).chain((depth) => fc.boolean().map((asObject) => nested(depth, asObject))),
  fc.array(fc.record({ item_id: fc.constant('hostingercom-vps-kvm2-usd-1m') }), { minLength: 49, maxLength: 60 }),
);

const itemId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
const coupon = () => fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/);
export const validRequestId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/);

export const validOrder = fc.record(
  {
    payment_method_id: fc.integer({ min: 1, max: LIMITS.maxPaymentMethodId }),
    items: fc.array(fc.record({ item_id: itemId, quantity: fc.integer({ min: 1, max: LIMITS.maxQuantity }) }, { requiredKeys: ['item_id'] }), {
      minLength: 1,
      maxLength: LIMITS.maxItems,
    }),
    coupons: fc.array(coupon(), { maxLength: LIMITS.maxCoupons }),
  },
  { requiredKeys: ['items'] },
);

type Mutation = (order: Record<string, any>) => unknown;
const anyKey = fc.oneof(fc.constantFrom('payment_method_id', 'items', 'coupons', 'requestId', 'item_id', 'quantity', ...DANGEROUS_KEYS), fc.string({ maxLength: 10 }));
const withKey = (target: Record<string, any>, key: string, value: unknown) => {
  // defineProperty: `__proto__` becomes an own key, as JSON.parse makes it, not a prototype change.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
};
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(anyKey, hostileValue).map(
    ([key, value]): Mutation =>
      (order) =>
        withKey(order, key, value),
  ),
  fc.tuple(fc.nat(), anyKey, hostileValue).map(
    ([index, key, value]): Mutation =>
      (order) => {
        const items = order.items as unknown[];
        const item = items[index % items.length];
        if (isObject(item)) withKey(item, key, value);
        return order;
      },
  ),
  fc.tuple(fc.nat(), hostileValue).map(
    ([index, value]): Mutation =>
      (order) => {
        const items = order.items as unknown[];
        items[index % items.length] = value;
        return order;
      },
  ),
  fc.tuple(fc.nat(), hostileValue).map(
    ([index, value]): Mutation =>
      (order) => {
        order.coupons = [...(Array.isArray(order.coupons) ? order.coupons : []), value].slice(index % 12);
        return order;
      },
  ),
  fc.constantFrom('payment_method_id', 'items', 'coupons').map(
    (key): Mutation =>
      (order) => {
        delete order[key];
        return order;
      },
  ),
  fc.constantFrom<Mutation>(
    (order) => [order],
    (order) => ({ order }),
    (order) => JSON.stringify(order),
    (order) => ({ ...order, items: { 0: order.items[0] } }),
    (order) => ({ ...order, items: [] }),
  ),
);

// Near misses: one character outside the set, one past a limit, and the limits themselves.
const BAD_CHARS = ['/', ' ', '+', '@', ':', '~', '\n', '\t', '\u0000', 'é', '٣', 'ｈ', '\u200b', '"', '\\', '%', '*'];
const withCharAt = (text: string, char: string, at: number) => text.slice(0, at % (text.length + 1)) + char + text.slice(at % (text.length + 1));
const nearMiss: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.constantFrom(...BAD_CHARS), fc.nat()).map(
    ([index, char, at]): Mutation =>
      (order) => {
        const item = order.items[index % order.items.length];
        if (isObject(item) && typeof item.item_id === 'string') item.item_id = withCharAt(item.item_id, char, at);
        return order;
      },
  ),
  fc.tuple(coupon(), fc.constantFrom(...BAD_CHARS.filter((c) => c !== ' ')), fc.nat()).map(
    ([code, char, at]): Mutation =>
      (order) => ({ ...order, coupons: [withCharAt(code, char, at)] }),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(LIMITS.maxItemId, LIMITS.maxItemId + 1)).chain(([index, length]) =>
    fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{${length - 1}}$`)).map(
      (id): Mutation =>
        (order) => {
          const item = order.items[index % order.items.length];
          if (isObject(item)) item.item_id = id;
          return order;
        },
    ),
  ),
  fc.constantFrom(LIMITS.maxCoupon, LIMITS.maxCoupon + 1).chain((length) =>
    fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9 ._-]{${length - 1}}$`)).map(
      (code): Mutation =>
        (order) => ({ ...order, coupons: [code] }),
    ),
  ),
  fc.constantFrom(LIMITS.maxItems - 1, LIMITS.maxItems, LIMITS.maxItems + 1).map(
    (count): Mutation =>
      (order) => ({ ...order, items: Array.from({ length: count }, (_, i) => order.items[i % order.items.length]) }),
  ),
  fc.constantFrom(LIMITS.maxCoupons, LIMITS.maxCoupons + 1).map(
    (count): Mutation =>
      (order) => ({ ...order, coupons: Array.from({ length: count }, (_, i) => `C${i}`) }),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(0, 1, LIMITS.maxQuantity, LIMITS.maxQuantity + 1, -1, 1.5)).map(
    ([index, quantity]): Mutation =>
      (order) => {
        const item = order.items[index % order.items.length];
        if (isObject(item)) item.quantity = quantity;
        return order;
      },
  ),
  fc.constantFrom(0, 1, LIMITS.maxPaymentMethodId, LIMITS.maxPaymentMethodId + 1, -1, 1.5).map(
    (id): Mutation =>
      (order) => ({ ...order, payment_method_id: id }),
  ),
);

/** A valid order with one to three hostile changes: mostly invalid, sometimes still valid. */
export const mutatedOrder: fc.Arbitrary<unknown> = fc
  .tuple(validOrder, fc.array(fc.oneof(mutation, nearMiss), { minLength: 1, maxLength: 3 }))
  .map(([order, mutations]) =>
    mutations.reduce<unknown>((value, mutate) => (isObject(value) && Array.isArray(value.items) && value.items.length > 0 ? mutate(value) : value), structuredClone(order)),
  );

/** Request body texts: valid, mutated, truncated, random, huge; JSON and not. */
export const bodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: validOrder.map(toJsonText) },
  { weight: 6, arbitrary: mutatedOrder.map(toJsonText) },
  { weight: 2, arbitrary: fc.tuple(fc.oneof(validOrder, mutatedOrder).map(toJsonText), fc.nat()).map(([text, cut]) => text.slice(0, cut % Math.max(1, text.length))) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\n',
      'null',
      '[]',
      '{}',
      '"order"',
      '{"items":',
      '{"__proto__":{"polluted":true},"items":[{"item_id":"a"}]}',
      '{"constructor":{"prototype":{"polluted":true}},"items":[{"item_id":"a"}]}',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"items":${'['.repeat(depth)}${']'.repeat(depth)}}`) },
  // Around the 64 KB limit: padding is JSON whitespace, or multi-byte characters in a string.
  { weight: 1, arbitrary: fc.tuple(validOrder, fc.integer({ min: -3, max: 3 })).map(([order, delta]) => padTo(toJsonText(order), 64 * 1024 + delta)) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((length) => `{"items":[{"item_id":"${'é'.repeat(length / 2)}"}]}`) },
);

/** Pads JSON text with trailing spaces to exactly `bytes` UTF-8 bytes (if it is shorter). */
export function padTo(text: string, bytes: number): string {
  return text + ' '.repeat(Math.max(0, bytes - Buffer.byteLength(text, 'utf8')));
}

/** The prototype chain's own properties: unchanged after hostile input, or something polluted it. */
export function prototypeSnapshot(): string {
  return JSON.stringify([Object.prototype, Array.prototype, Function.prototype, String.prototype].map((proto) => Object.getOwnPropertyNames(proto).sort()));
}

export function expectNoPollution(before: string): void {
  const probe = {} as Record<string, unknown>;
  if (probe.polluted !== undefined || ([] as unknown as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
  if (prototypeSnapshot() !== before) throw new Error('a built-in prototype gained or lost properties');
}

/** Signs of an internal error in a message meant for a caller: stack frames, source paths. */
export const STACK_TRACE = /\n\s+at |\bat .*\(.*:\d+:\d+\)|\.(?:ts|js|mjs):\d+|node:internal|node_modules|file:\/\/|\/work\//;
