import type { IncomingHttpHeaders } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAnswer } from '../../lib/hostinger/classify-attempt.ts';
import { ORDER_STATUSES } from '../../lib/hostinger/order-resource.ts';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import { DANGEROUS_KEYS, fuzzOptions, hostileString, hostileValue, STACK_TRACE, toJsonText } from '../support/fuzz.ts';

/**
 * Hostinger's answers as they may really arrive: right, wrong types, truncated, an HTML page from a proxy,
 * huge. Classification must never throw, must not call anything a success without an order it could read,
 * and must keep the error it reports small enough to travel in an outcome (SNS takes 256 KB, a DynamoDB item
 * 400 KB).
 */
const NOW = Date.parse('2026-11-27T10:00:00Z');
const MAX_ERROR_JSON = 16 * 1024;

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const orderResource = fc.record(
  {
    id: fc.oneof(fc.integer({ min: 1 }), fc.constantFrom(0, -1)),
    subscription_id: nullable(fc.string({ maxLength: 20 })),
    status: fc.constantFrom(...ORDER_STATUSES),
    currency: nullable(fc.constantFrom('USD', 'EUR')),
    subtotal: nullable(fc.nat()),
    total: nullable(fc.nat()),
    billing_address: nullable(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 })),
    created_at: nullable(fc.constant('2026-11-27T10:00:00Z')),
    updated_at: nullable(fc.constant('2026-11-27T10:00:00Z')),
  },
  { requiredKeys: ['id', 'status'] },
);
/** An order resource with one field replaced by something else, or one unknown field added. */
const brokenOrderResource = fc
  .tuple(orderResource, fc.constantFrom('id', 'status', 'subscription_id', 'currency', 'subtotal', 'total', 'billing_address', 'created_at', ...DANGEROUS_KEYS), hostileValue)
  .map(([order, key, value]) => Object.defineProperty({ ...order }, key, { value, enumerable: true, writable: true, configurable: true }));

/** Hostinger's error body, and variations on it. */
const errorBody = fc.record(
  {
    message: fc.oneof(hostileString, hostileValue, fc.string({ minLength: 400, maxLength: 3000 })),
    errors: fc.oneof(
      fc.dictionary(fc.oneof(hostileString, fc.constantFrom(...DANGEROUS_KEYS)), fc.array(hostileValue, { maxLength: 3 }), { maxKeys: 5 }),
      hostileValue,
      // Many fields, long messages: a body far larger than any outcome may carry.
      fc.integer({ min: 100, max: 3000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`items.${i}.item_id`, ['x'.repeat(300), 'y'.repeat(300)]]))),
      fc.constant({ 'items.0.item_id': [{ toString: 1 }, { valueOf: 1, toString: 1 }, ['nested'], null] }),
    ),
    correlation_id: fc.oneof(fc.uuid(), hostileValue, fc.constant('c'.repeat(100_000))),
  },
  { requiredKeys: [] },
);

const HTML = [
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
  '<!DOCTYPE html><html><body>Just a moment...</body></html>',
  '<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>',
];

const cut = (text: string, at: number) => text.slice(0, at % Math.max(1, text.length));
const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: orderResource.map(toJsonText) },
  { weight: 3, arbitrary: brokenOrderResource.map(toJsonText) },
  { weight: 3, arbitrary: errorBody.map(toJsonText) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.oneof(orderResource, errorBody).map((v) => JSON.stringify(v)),
        fc.nat(),
      )
      .map(([text, at]) => cut(text, at)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...HTML, '', ' ', '\n', 'null', '[]', '{}', '"completed"', 'OK') },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: orderResource.map((o) => JSON.stringify([o])) },
  { weight: 1, arbitrary: orderResource.map((o) => JSON.stringify({ data: o })) },
);

const headerValue = fc.oneof(hostileString, fc.array(hostileString, { maxLength: 2 }), fc.constant(undefined));
const headers: fc.Arbitrary<IncomingHttpHeaders> = fc.record(
  {
    'content-type': fc.oneof(fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain', ''), headerValue),
    'retry-after': fc.oneof(
      fc.nat().map(String),
      fc.constantFrom('0', '9'.repeat(400), '1e3', '-1', '1.5', ' 5 ', 'Wed, 21 Oct 2015 07:28:00 GMT', 'Fri, 27 Nov 2026 10:00:30 GMT', 'soon', '', 'Infinity', 'NaN'),
      headerValue,
    ),
    'x-correlation-id': headerValue,
  },
  { requiredKeys: [] },
) as fc.Arbitrary<IncomingHttpHeaders>;

const status = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(200, 201, 202, 204, 400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 999 }) },
);

/** An order resource as docs/api.md describes it: integer id, a known status, typed optional fields. */
function isOrderResource(value: unknown): value is { id: number; status: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  const optional = (v: unknown, type: 'string' | 'int' | 'object') =>
    v === undefined || v === null || (type === 'int' ? Number.isSafeInteger(v) : type === 'object' ? typeof v === 'object' && !Array.isArray(v) : typeof v === type);
  return (
    Number.isSafeInteger(o.id) &&
    (ORDER_STATUSES as readonly unknown[]).includes(o.status) &&
    optional(o.subscription_id, 'string') &&
    optional(o.currency, 'string') &&
    optional(o.subtotal, 'int') &&
    optional(o.total, 'int') &&
    optional(o.billing_address, 'object') &&
    optional(o.created_at, 'string') &&
    optional(o.updated_at, 'string')
  );
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const PENDING = ['pending', 'processing', 'awaiting_payment', 'payment_initiated'];
const RETRYABLE = [408, 429, 500, 502, 503, 504];

function expectedKind(answer: { status: number; body: string }): AttemptResult['kind'] {
  const { status } = answer;
  if (status >= 200 && status < 300) {
    if (status === 202 && answer.body.trim() === '') return 'pending';
    const value = parsed(answer.body);
    if (!isOrderResource(value)) return 'ambiguous';
    if (status === 202 || PENDING.includes(value.status)) return 'pending';
    return value.status === 'completed' ? 'succeeded' : 'failed';
  }
  if (status === 422) return 'rejected';
  if (status === 401) return 'unauthorized';
  return RETRYABLE.includes(status) || status >= 500 ? 'retryable' : 'failed';
}

describe('classifyAnswer, the cases fuzzing found', () => {
  it('reads an error message that is an object without a usable toString, instead of throwing', () => {
    const body = JSON.stringify({ message: 'The given data was invalid.', errors: { 'items.0.item_id': [{ toString: 1 }, ['nested'], null, 'plain'] } });
    const result = classifyAnswer({ status: 422, headers: {}, body }, NOW);
    expect(result).toEqual({
      kind: 'rejected',
      error: { httpStatus: 422, message: 'The given data was invalid.', fieldErrors: { 'items.0.item_id': ['{"toString":1}', '["nested"]', 'null'] }, correlationId: undefined },
    });
  });

  it('keeps a huge error body to a bounded error', () => {
    const errors = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`items.${i}.item_id`, ['x'.repeat(1000), 'y', 'z', 'w']]));
    const result = classifyAnswer({ status: 422, headers: {}, body: JSON.stringify({ message: 'm'.repeat(10_000), errors, correlation_id: 'c'.repeat(10_000) }) }, NOW);
    expect(result.kind).toBe('rejected');
    if (result.kind !== 'rejected') return;
    expect(JSON.stringify(result.error).length).toBeLessThanOrEqual(MAX_ERROR_JSON);
    expect(Object.keys(result.error.fieldErrors ?? {})).toHaveLength(20);
    expect(result.error.fieldErrors?.['items.0.item_id']).toEqual([`${'x'.repeat(200)}…`, 'y', 'z']);
  });
});

describe('classifyAnswer under fuzzing', () => {
  it('never throws, reads an order before calling anything a success, and keeps errors small and plain', () => {
    fc.assert(
      fc.property(status, headers, body, (statusCode, answerHeaders, answerBody) => {
        const answer = { status: statusCode, headers: answerHeaders, body: answerBody };
        const result = classifyAnswer(answer, NOW);
        expect(result.kind).toBe(expectedKind(answer));
        if (result.kind === 'succeeded') {
          expect(isOrderResource(parsed(answerBody))).toBe(true);
          expect(result.order.status).toBe('completed');
        }
        if ('error' in result) {
          const { error } = result;
          expect(typeof error.message).toBe('string');
          expect(error.message).not.toMatch(STACK_TRACE);
          expect(error.httpStatus).toBe(statusCode);
          expect(JSON.stringify(error).length).toBeLessThanOrEqual(MAX_ERROR_JSON);
          if (error.correlationId !== undefined) expect(typeof error.correlationId).toBe('string');
          for (const messages of Object.values(error.fieldErrors ?? {})) {
            expect(Array.isArray(messages)).toBe(true);
            for (const message of messages) expect(typeof message).toBe('string');
          }
        }
        if (result.kind === 'ambiguous') expect(result.error.message).toMatch(/not an OrderResource/);
        if (result.kind === 'retryable' && result.retryAfterMs !== undefined) {
          expect(Number.isNaN(result.retryAfterMs)).toBe(false);
          expect(result.retryAfterMs).toBeGreaterThanOrEqual(0);
        }
      }),
      fuzzOptions(3000),
    );
  });
});
