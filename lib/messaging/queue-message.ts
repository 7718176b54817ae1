import { type PurchaseMessage, parsePurchaseMessage } from '../order/kinds/purchase.ts';
import { type FieldErrors, requestIdSchema } from '../order/order-request.ts';

export type ReadMessage = { ok: true; message: PurchaseMessage } | { ok: false; errors: FieldErrors; requestId?: string };

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** An SNS notification delivered to SQS without raw delivery wraps the producer's message in `Message`. */
function unwrapSnsEnvelope(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const envelope = value as Record<string, unknown>;
    if (envelope.Type === 'Notification' && typeof envelope.Message === 'string') {
      const inner = parseJson(envelope.Message);
      return inner.ok ? inner.value : envelope.Message;
    }
  }
  return value;
}

/** The producer's request id, if the message names a usable one, so a rejection can be reported under it. */
function requestIdOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const parsed = requestIdSchema.safeParse((value as Record<string, unknown>).requestId);
  return parsed.success ? parsed.data : undefined;
}

/** Reads an SQS message body: a purchase message of any kind (no `kind` is an order), plain or inside an SNS envelope. */
export function readQueueMessage(body: string): ReadMessage {
  const json = parseJson(body);
  if (!json.ok) return { ok: false, errors: { body: ['is not valid JSON'] } };
  const value = unwrapSnsEnvelope(json.value);
  const parsed = parsePurchaseMessage(value);
  return parsed.ok ? { ok: true, message: parsed.value } : { ok: false, errors: parsed.errors, requestId: requestIdOf(value) };
}

/**
 * The request a message is about: its `requestId` message attribute (set by the redrive tool), the body's
 * `requestId` (plain or in an SNS envelope, valid order or not), or else `sqs-<message id>`, which redelivery
 * keeps. The worker and the redrive tool both name messages with this.
 */
export function messageRequestId(read: ReadMessage, requestIdAttribute: string | undefined, messageId: string): string {
  const attribute = requestIdSchema.safeParse(requestIdAttribute);
  if (attribute.success) return attribute.data;
  return (read.ok ? read.message.requestId : read.requestId) ?? `sqs-${messageId}`;
}

/** The message attribute counting how often a request's message was handed back as a new one (see process-batch). */
export const HAND_BACKS_ATTRIBUTE = 'handBacks';
