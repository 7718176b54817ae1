import { describe, expect, it } from 'vitest';
import { classifyAnswer, classifyTransportError, parseRetryAfter } from '../../lib/hostinger/classify-attempt.ts';
import { TransportError } from '../../lib/hostinger/http-transport.ts';

const NOW = Date.parse('2026-11-27T10:00:00Z');
const order = (status: string) => ({ id: 2957086, subscription_id: 'Azz353Uhl1xC54pR0', status, currency: 'USD', subtotal: 899, total: 1088 });
const answer = (status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => ({
  status,
  headers,
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('classifyAnswer', () => {
  it('200 completed is a success', () => {
    expect(classifyAnswer(answer(200, order('completed')), NOW)).toMatchObject({ kind: 'succeeded', order: { id: 2957086 } });
  });

  it.each(['pending', 'processing', 'awaiting_payment', 'payment_initiated'])('200 %s is pending', (status) => {
    expect(classifyAnswer(answer(200, order(status)), NOW)).toMatchObject({ kind: 'pending', order: { status } });
  });

  it('202 is pending, with or without a body', () => {
    expect(classifyAnswer(answer(202, order('completed')), NOW)).toMatchObject({ kind: 'pending', httpStatus: 202 });
    expect(classifyAnswer(answer(202, ''), NOW)).toEqual({ kind: 'pending', httpStatus: 202 });
  });

  it.each(['failed', 'cancelled', 'refunded', 'fraud_refund'])('200 %s is a failure carrying the status', (status) => {
    const result = classifyAnswer(answer(200, order(status)), NOW);
    expect(result).toMatchObject({ kind: 'failed', order: { status } });
    expect(result.kind === 'failed' && result.error.message).toContain(status);
  });

  it('a 200 whose body is not an OrderResource is ambiguous, not a crash: the order may exist', () => {
    expect(classifyAnswer(answer(200, '<html>proxy</html>', { 'content-type': 'text/html' }), NOW).kind).toBe('ambiguous');
    expect(classifyAnswer(answer(200, { id: 'x', status: 'completed' }), NOW).kind).toBe('ambiguous');
    expect(classifyAnswer(answer(200, '{"id":1,'), NOW).kind).toBe('ambiguous');
  });

  it('422 is rejected with the field errors and correlation id', () => {
    const body = { message: 'The selected items.0.item_id is invalid.', errors: { 'items.0.item_id': ['The selected items.0.item_id is invalid.'] }, correlation_id: 'c-1' };
    expect(classifyAnswer(answer(422, body), NOW)).toEqual({
      kind: 'rejected',
      error: { httpStatus: 422, message: body.message, fieldErrors: body.errors, correlationId: 'c-1' },
    });
  });

  it('401 asks for a fresh token', () => {
    expect(classifyAnswer(answer(401, { message: 'Unauthenticated', correlation_id: 'c' }), NOW).kind).toBe('unauthorized');
  });

  it.each([500, 502, 503, 504, 408])('%i is retryable', (status) => {
    expect(classifyAnswer(answer(status, { message: '[Hosting:9999] Order architecture not supported', correlation_id: 'c' }), NOW)).toMatchObject({
      kind: 'retryable',
      error: { httpStatus: status },
    });
  });

  it('a proxy HTML error page is read as a clear error, not a crash', () => {
    const result = classifyAnswer(answer(502, '<html><body>Bad Gateway</body></html>', { 'content-type': 'text/html' }), NOW);
    expect(result).toMatchObject({ kind: 'retryable', error: { httpStatus: 502 } });
    expect(result.kind === 'retryable' && result.error.message).toContain('text/html');
  });

  it('429 honours Retry-After in seconds or as a date, else leaves it to backoff', () => {
    expect(classifyAnswer(answer(429, { message: 'Too Many Attempts.' }, { 'retry-after': '7' }), NOW)).toMatchObject({ kind: 'retryable', retryAfterMs: 7000 });
    const date = new Date(NOW + 3000).toUTCString();
    expect(classifyAnswer(answer(429, { message: 'x' }, { 'retry-after': date }), NOW)).toMatchObject({ retryAfterMs: 3000 });
    expect(classifyAnswer(answer(429, { message: 'x' }), NOW)).toMatchObject({ kind: 'retryable', retryAfterMs: undefined });
  });

  it.each([400, 403, 404, 405])('%i fails without retry', (status) => {
    expect(classifyAnswer(answer(status, { message: 'nope' }), NOW).kind).toBe('failed');
  });

  it.each([501, 505, 507, 520, 524, 599])('%i is a 5xx like any other: retryable, after the check for an order', (status) => {
    // Whatever the status, a 5xx may come after the order was made: it must never go straight to order.failed.
    expect(classifyAnswer(answer(status, { message: 'nope' }), NOW)).toMatchObject({ kind: 'retryable', error: { httpStatus: status } });
  });
});

describe('classifyTransportError', () => {
  it('a connection refused or reset before anything was sent is retryable', () => {
    expect(classifyTransportError(new TransportError('ECONNREFUSED', false, 'connect ECONNREFUSED')).kind).toBe('retryable');
    expect(classifyTransportError(new TransportError('ECONNRESET', false, 'socket hang up')).kind).toBe('retryable');
  });

  it('a reset or timeout after the request was sent is ambiguous', () => {
    const result = classifyTransportError(new TransportError('ETIMEDOUT', true, 'no answer within 10000 ms'));
    expect(result).toMatchObject({ kind: 'ambiguous', error: { code: 'ETIMEDOUT' } });
  });
});

describe('parseRetryAfter', () => {
  it('ignores garbage', () => {
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
  });
});
