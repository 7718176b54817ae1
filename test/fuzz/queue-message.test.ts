import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQueueMessage } from '../../lib/messaging/queue-message.ts';
import {
  DANGEROUS_KEYS,
  expectNoPollution,
  fuzzOptions,
  hostileString,
  hostileValue,
  isValidRequestId,
  mutatedOrder,
  prototypeSnapshot,
  referenceOrder,
  STACK_TRACE,
  toJsonText,
  validOrder,
  validRequestId,
} from '../support/fuzz.ts';

/**
 * The worker's reading of an SQS message body: plain, or inside an SNS envelope. It must never throw (a throw
 * would fail the message over and over until the DLQ instead of rejecting it once), and it may accept only an
 * order the rules of docs/api.md accept.
 */

const requestId = fc.oneof({ weight: 4, arbitrary: validRequestId }, { weight: 2, arbitrary: hostileString }, { weight: 1, arbitrary: hostileValue });

/** An order message as a producer might send it: an order (valid or not), with or without a request id. */
const orderMessage = fc
  .tuple(fc.oneof(validOrder, mutatedOrder), fc.option(requestId, { freq: 2 }))
  .map(([order, id]) => (id === null || typeof order !== 'object' || order === null || Array.isArray(order) ? order : { ...order, requestId: id }));

const cut = (text: string, at: number) => text.slice(0, at % Math.max(1, text.length));

const envelope = (message: unknown, type: unknown = 'Notification') => ({
  Type: type,
  MessageId: 'b1a5e6a0-0000-4000-8000-000000000000',
  TopicArn: 'arn:aws:sns:us-east-1:000000000000:orders',
  Message: message,
  Timestamp: '2026-11-27T08:00:00.000Z',
});

const messageBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: orderMessage.map(toJsonText) },
  { weight: 3, arbitrary: orderMessage.map((message) => JSON.stringify(envelope(toJsonText(message)))) },
  { weight: 1, arbitrary: fc.tuple(orderMessage, fc.nat()).map(([message, at]) => JSON.stringify(envelope(cut(toJsonText(message), at)))) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(orderMessage, fc.oneof(hostileValue, fc.constantFrom('notification', 'SubscriptionConfirmation', null)))
      .map(([m, type]) => JSON.stringify(envelope(toJsonText(m), type))),
  },
  { weight: 1, arbitrary: orderMessage.map((message) => JSON.stringify(envelope(message))) },
  { weight: 2, arbitrary: fc.tuple(orderMessage, fc.nat()).map(([message, at]) => cut(toJsonText(message), at)) },
  { weight: 1, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom(...DANGEROUS_KEYS).map((key) => `{"${key}":{"polluted":true},"items":[{"item_id":"a"}],"requestId":"x"}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"requestId":"deep","items":[{"item_id":${'['.repeat(depth)}${']'.repeat(depth)}}]}`) },
);

/** What docs/api.md says becomes of a message body: the order it stands for, or a rejection. */
function expected(body: string) {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { value: undefined, order: undefined };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { Type, Message } = value as Record<string, unknown>;
    if (Type === 'Notification' && typeof Message === 'string') {
      try {
        value = JSON.parse(Message);
      } catch {
        value = Message;
      }
    }
  }
  return { value, order: referenceOrder(value, { message: true }) };
}

let prototypes: string;
beforeAll(() => {
  prototypes = prototypeSnapshot();
});
afterAll(() => expectNoPollution(prototypes));

describe('readQueueMessage, the cases fuzzing found', () => {
  // Field errors were kept in an object literal: `toString`, `constructor` and `__proto__` found inherited
  // members instead of a list, and the parser threw (a message that could never be rejected, only retried).
  it.each(DANGEROUS_KEYS)('rejects an unknown field named %s, naming it', (key) => {
    const read = readQueueMessage(`{"requestId":"r-1","items":[{"item_id":"a"}],"${key}":{"polluted":true}}`);
    expect(read).toEqual({ ok: false, errors: { [key]: ['is not a known field'] }, requestId: 'r-1' });
    expect(Object.keys(read.ok ? {} : read.errors)).toEqual([key]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('readQueueMessage under fuzzing', () => {
  it('never throws, accepts only valid orders, and names the fields of a rejection', () => {
    fc.assert(
      fc.property(messageBody, (body) => {
        const read = readQueueMessage(body);
        const want = expected(body);
        if (want.order) {
          expect(read).toEqual({ ok: true, message: want.order });
        } else {
          expect(read.ok).toBe(false);
          if (read.ok) return;
          const entries = Object.entries(read.errors);
          expect(entries.length).toBeGreaterThan(0);
          for (const [, messages] of entries) {
            expect(messages.length).toBeGreaterThan(0);
            for (const message of messages) {
              expect(typeof message).toBe('string');
              expect(message).not.toMatch(STACK_TRACE);
            }
          }
          // A rejection is reported under the producer's id only when that id is itself valid.
          const claimed = typeof want.value === 'object' && want.value !== null ? (want.value as Record<string, unknown>).requestId : undefined;
          expect(read.requestId).toBe(isValidRequestId(claimed) ? claimed : undefined);
        }
        expectNoPollution(prototypes);
      }),
      fuzzOptions(4000),
    );
  });
});
