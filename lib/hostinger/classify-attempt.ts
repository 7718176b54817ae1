import type { OrderError } from '../order/order-error.ts';
import type { FieldErrors } from '../order/order-request.ts';
import type { HttpAnswer, TransportFailure } from './http-answer.ts';
import { errorBodySchema, orderResourceSchema } from './order-resource.ts';
import type { AttemptResult } from './place-order.ts';

const PENDING_STATUSES = new Set(['pending', 'processing', 'awaiting_payment', 'payment_initiated']);
/** 408 and 429 are retried; every 5xx too, after the check for an order it may have made (submit-order.ts). */
const RETRYABLE_HTTP = new Set([408, 429]);
const MAX_MESSAGE_LENGTH = 500;

/** `Retry-After` as delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const truncate = (text: string, max = MAX_MESSAGE_LENGTH) => (text.length > max ? `${text.slice(0, max)}…` : text);

// An error travels in the outcome (SNS takes 256 KB) and the ledger (400 KB an item): whatever the body, it
// stays within about 16 KB. Hostinger's own 422s name a few fields with a sentence each.
const MAX_ERROR_FIELDS = 20;
const MAX_FIELD_NAME_LENGTH = 100;
const MAX_MESSAGES_PER_FIELD = 3;
const MAX_FIELD_MESSAGE_LENGTH = 200;
const MAX_CORRELATION_ID_LENGTH = 128;

/** A message as text. Not String(): a parsed `{"toString": 1}` cannot convert itself and would throw. */
const messageText = (message: unknown) => truncate(typeof message === 'string' ? message : JSON.stringify(message), MAX_FIELD_MESSAGE_LENGTH);

function stringFieldErrors(errors: Record<string, unknown[]> | undefined): FieldErrors | undefined {
  if (!errors) return undefined;
  return Object.fromEntries(
    Object.entries(errors)
      .slice(0, MAX_ERROR_FIELDS)
      .map(([field, messages]) => [truncate(field, MAX_FIELD_NAME_LENGTH), messages.slice(0, MAX_MESSAGES_PER_FIELD).map(messageText)]),
  );
}

/** Reads Hostinger's error body, or says plainly that the body was not one (an HTML page from a proxy, say). */
function errorFromAnswer(answer: HttpAnswer): OrderError {
  const parsed = errorBodySchema.safeParse(parseJson(answer.body));
  if (parsed.success && parsed.data.message !== undefined) {
    return {
      httpStatus: answer.status,
      message: truncate(parsed.data.message),
      fieldErrors: stringFieldErrors(parsed.data.errors),
      correlationId: parsed.data.correlation_id === undefined ? undefined : truncate(parsed.data.correlation_id, MAX_CORRELATION_ID_LENGTH),
    };
  }
  const contentType = truncate(String(answer.headers['content-type'] ?? 'no content type'), 100);
  return { httpStatus: answer.status, message: `HTTP ${answer.status} with a body that is not Hostinger's JSON error (${contentType})` };
}

function classifyOrderBody(answer: HttpAnswer): AttemptResult {
  const parsed = orderResourceSchema.safeParse(parseJson(answer.body));
  if (!parsed.success) {
    // A 2xx means Hostinger accepted the request: the order may well exist even though we cannot read it.
    return {
      kind: 'ambiguous',
      error: { httpStatus: answer.status, message: `HTTP ${answer.status} with a body that is not an OrderResource` },
    };
  }
  const order = parsed.data;
  if (answer.status === 202 || PENDING_STATUSES.has(order.status)) return { kind: 'pending', order, httpStatus: answer.status };
  if (order.status === 'completed') return { kind: 'succeeded', order };
  return { kind: 'failed', order, error: { httpStatus: answer.status, message: `Hostinger created the order with status ${order.status}` } };
}

/** Maps one HTTP answer from POST /api/billing/v1/orders to what the pipeline does next. */
export function classifyAnswer(answer: HttpAnswer, now: number): AttemptResult {
  const { status } = answer;
  if (status === 202 && answer.body.trim() === '') return { kind: 'pending', httpStatus: status };
  if (status >= 200 && status < 300) return classifyOrderBody(answer);
  const error = errorFromAnswer(answer);
  if (status === 422) return { kind: 'rejected', error };
  if (status === 401) return { kind: 'unauthorized', error };
  if (RETRYABLE_HTTP.has(status) || status >= 500) {
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(answer.headers['retry-after'], now) : undefined;
    return { kind: 'retryable', error, retryAfterMs };
  }
  return { kind: 'failed', error };
}

/** A request with no answer is safe to retry only if none of it was sent. */
export function classifyTransportError(error: TransportFailure): AttemptResult {
  const orderError: OrderError = { code: error.code, message: error.message };
  if (!error.requestSent) return { kind: 'retryable', error: orderError };
  return {
    kind: 'ambiguous',
    error: { ...orderError, message: `${error.message} after the request was sent: Hostinger may have created the order` },
  };
}
