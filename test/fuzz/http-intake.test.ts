import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createOrderHandler, getOrderHandler } from '../../lib/intake/http-handlers.ts';
import { MAX_BODY_BYTES } from '../../lib/intake/http-response.ts';
import type { LedgerRecord, RequestLedger } from '../../lib/ledger/request-ledger.ts';
import type { Purchase } from '../../lib/order/kinds/purchase.ts';
import type { OrderRequest } from '../../lib/order/order-request.ts';
import { httpFunction } from '../../lib/platform/middy-stack.ts';
import { lambdaContext } from '../../local/lambda-context.ts';
import {
  bodyText,
  expectNoPollution,
  fuzzOptions,
  hostileString,
  isValidRequestId,
  prototypeSnapshot,
  referenceOrder,
  STACK_TRACE,
  toJsonText,
  validOrder,
} from '../support/fuzz.ts';

// Thousands of invocations: the functions' JSON logs would drown the test output. Set before lib/platform/logger.ts loads.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

/**
 * POST /orders through the same middleware stack the Lambda runs (header normalisation, error handler), with
 * an in-memory ledger and queue. Every input must end in a 2xx or 4xx with the one JSON error shape, and only
 * a request the rules of docs/api.md accept may be queued.
 */

/** An in-memory stand-in for what intake uses of the ledger, and a queue that records what it is given. */
function fakeIntake(failures: { create?: Error; enqueue?: Error } = {}) {
  const records = new Map<string, LedgerRecord>();
  const enqueued: { requestId: string; order: Purchase }[] = [];
  const ledger: Pick<RequestLedger, 'create' | 'markEnqueued' | 'get'> = {
    async create(request) {
      if (failures.create) throw failures.create;
      const existing = records.get(request.requestId);
      if (existing) return { created: false, existing };
      const at = request.now.toISOString();
      records.set(request.requestId, {
        requestId: request.requestId,
        status: 'queued',
        source: request.source,
        order: request.order,
        requestHash: request.requestHash,
        attempts: 0,
        createToken: request.createToken,
        createdAt: at,
        updatedAt: at,
      });
      return { created: true };
    },
    async markEnqueued(requestId) {
      const record = records.get(requestId);
      if (record) record.enqueuedAt = deps.now().toISOString();
    },
    async get(requestId) {
      return records.get(requestId);
    },
  };
  const deps = {
    ledger: ledger as RequestLedger,
    enqueue: async (requestId: string, order: Purchase) => {
      if (failures.enqueue) throw failures.enqueue;
      enqueued.push({ requestId, order: structuredClone(order) });
    },
    now: () => new Date('2026-11-27T08:00:00.000Z'),
  };
  return { deps, records, enqueued };
}

type Deps = ReturnType<typeof fakeIntake>['deps'];
const invokePost = (event: APIGatewayProxyEventV2, deps: Deps) =>
  httpFunction((e) => createOrderHandler(e, deps))(event, lambdaContext('createOrder', 10_000)) as Promise<APIGatewayProxyStructuredResultV2>;

function event(fields: { body?: string; isBase64Encoded?: boolean; headers: Record<string, string>; pathParameters?: Record<string, string> }): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /orders',
    rawPath: '/orders',
    rawQueryString: '',
    headers: fields.headers,
    body: fields.body,
    isBase64Encoded: fields.isBase64Encoded ?? false,
    pathParameters: fields.pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'fuzz',
      domainName: 'fuzz.local',
      domainPrefix: 'fuzz',
      http: { method: 'POST', path: '/orders', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
      requestId: 'fuzz',
      routeKey: 'POST /orders',
      stage: '$default',
      time: '27/Nov/2026:08:00:00 +0000',
      timeEpoch: 0,
    },
  };
}

const JSON_CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8', 'application/json\t; x=y'];
const OTHER_CONTENT_TYPES = [
  ' application/json',
  'application/jsonp',
  'application/json-patch+json',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
];
const IDEMPOTENCY_KEYS = ['key-1', 'a'.repeat(255), 'a'.repeat(256), '', 'has space', 'ключ', 'tab\there', '\u007f', '!~'];

const requestArb = fc.record({
  text: bodyText,
  contentType: fc.option(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...JSON_CONTENT_TYPES) },
      { weight: 2, arbitrary: fc.constantFrom(...OTHER_CONTENT_TYPES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    ),
    { freq: 12 },
  ),
  contentTypeName: fc.constantFrom('content-type', 'Content-Type', 'CONTENT-TYPE'),
  idempotencyKey: fc.option(fc.oneof(fc.constantFrom(...IDEMPOTENCY_KEYS), fc.string({ unit: 'binary', maxLength: 20 })), { freq: 3 }),
  idempotencyKeyName: fc.constantFrom('idempotency-key', 'Idempotency-Key'),
  // 'plain': the text as is; 'base64': encoded, as API Gateway sends binary bodies; 'bogus': flagged base64 but not.
  encoding: fc.oneof({ weight: 6, arbitrary: fc.constant('plain') }, { weight: 2, arbitrary: fc.constant('base64') }, { weight: 1, arbitrary: fc.constant('bogus') }),
  omitEmptyBody: fc.boolean(),
});
type FuzzRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function toEvent(request: FuzzRequest): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  if (request.contentType !== null) headers[request.contentTypeName] = request.contentType;
  if (request.idempotencyKey !== null) headers[request.idempotencyKeyName] = request.idempotencyKey;
  const body = request.encoding === 'base64' ? Buffer.from(request.text, 'utf8').toString('base64') : request.text;
  return event({ headers, body: body === '' && request.omitEmptyBody ? undefined : body, isBase64Encoded: request.encoding !== 'plain' });
}

/** What docs/api.md says the answer to a request is. */
function expected(request: FuzzRequest): { status: 202; order: OrderRequest } | { status: 400 | 413 | 415; field?: string } {
  const text = request.encoding === 'bogus' ? Buffer.from(request.text, 'base64').toString('utf8') : request.text;
  if (text.trim() === '') return { status: 400 };
  const contentType = request.contentType ?? '';
  if ((contentType.split(';')[0] ?? '').trimEnd().toLowerCase() !== 'application/json') return { status: 415 };
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) return { status: 413 };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { status: 400 };
  }
  if (request.idempotencyKey !== null && !/^[\x21-\x7e]{1,255}$/.test(request.idempotencyKey)) return { status: 400, field: 'Idempotency-Key' };
  const order = referenceOrder(value);
  return order ? { status: 202, order } : { status: 400 };
}

const ERROR_MESSAGES = [
  'Content-Type must be application/json',
  `request body is larger than ${MAX_BODY_BYTES} bytes`,
  'request body is empty; send an order as JSON',
  'request body is not valid JSON',
  'invalid order request',
];

/** The one JSON error shape, with nothing of the internals in it. */
function expectErrorBody(response: APIGatewayProxyStructuredResultV2) {
  const body = JSON.parse(response.body ?? '') as { message: string; errors?: Record<string, string[]> };
  expect(Object.keys(body).every((key) => key === 'message' || key === 'errors')).toBe(true);
  expect(ERROR_MESSAGES).toContain(body.message);
  if (body.errors !== undefined) {
    const entries = Object.entries(body.errors);
    expect(entries.length).toBeGreaterThan(0);
    for (const [, messages] of entries) {
      expect(Array.isArray(messages) && messages.length > 0).toBe(true);
      for (const message of messages) {
        expect(typeof message).toBe('string');
        expect(message.length).toBeLessThan(200);
        expect(message).not.toMatch(STACK_TRACE);
      }
    }
  }
  return body;
}

let prototypes: string;
beforeAll(() => {
  prototypes = prototypeSnapshot();
});
afterAll(() => expectNoPollution(prototypes));

describe('POST /orders under fuzzing', () => {
  it('answers every request with a 2xx or 4xx, queues only what the rules accept, and leaks nothing', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        const { deps, enqueued } = fakeIntake();
        const response = await invokePost(toEvent(request), deps);
        const want = expected(request);
        expect(response.headers?.['content-type']).toBe('application/json');
        expect(response.statusCode).toBe(want.status);
        if (want.status === 202) {
          expect(JSON.parse(response.body ?? '')).toEqual({ requestId: expect.any(String), status: 'queued' });
          expect(enqueued).toHaveLength(1);
          expect(enqueued[0]?.order).toEqual(want.order);
        } else {
          expect(enqueued).toEqual([]);
          const body = expectErrorBody(response);
          if (want.status === 400 && body.message === 'invalid order request') expect(Object.keys(body.errors ?? {}).length).toBeGreaterThan(0);
          if ('field' in want && want.field) expect(Object.keys(body.errors ?? {})).toContain(want.field);
        }
        expectNoPollution(prototypes);
      }),
      fuzzOptions(3000),
    );
  }, 60_000);

  it('with one Idempotency-Key, queues once: the same order is replayed, a different one is a 409', async () => {
    const sameOrDifferent = fc.tuple(validOrder, fc.oneof(validOrder, fc.constant(null)), fc.stringMatching(/^[\x21-\x7e]{1,40}$/));
    await fc.assert(
      fc.asyncProperty(sameOrDifferent, async ([first, second, key]) => {
        const { deps, enqueued } = fakeIntake();
        const post = (order: unknown) => invokePost(event({ headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: toJsonText(order) }), deps);
        const one = await post(first);
        const two = await post(second ?? first);
        expect(one.statusCode).toBe(202);
        const same = JSON.stringify(referenceOrder(second ?? first)) === JSON.stringify(referenceOrder(first));
        if (same) {
          expect(two.statusCode).toBe(202);
          expect(two.headers?.['idempotent-replayed']).toBe('true');
          expect(JSON.parse(two.body ?? '').requestId).toBe(JSON.parse(one.body ?? '').requestId);
        } else {
          expect(two.statusCode).toBe(409);
          expect(JSON.parse(two.body ?? '')).toEqual({ message: expect.stringMatching(/different order/) });
        }
        expect(enqueued).toHaveLength(1);
      }),
      fuzzOptions(300),
    );
  });

  it('answers 503 with the request id to look up when the ledger fails, queues nothing, and keeps the error to itself', async () => {
    await fc.assert(
      fc.asyncProperty(validOrder, async (order) => {
        const { deps, enqueued, records } = fakeIntake({ create: failure() });
        const response = await invokePost(event({ headers: { 'content-type': 'application/json' }, body: toJsonText(order) }), deps);
        expect(response.statusCode).toBe(503);
        expect(response.body).not.toContain(secretish);
        expect(response.body).not.toMatch(STACK_TRACE);
        const body = JSON.parse(response.body ?? '') as { message: string; requestId: string };
        expect(Object.keys(body).sort()).toEqual(['message', 'requestId']);
        expect(body.message).toContain(`GET /orders/${body.requestId}`);
        expect(enqueued).toEqual([]);
        expect(records.size).toBe(0);
      }),
      fuzzOptions(200),
    );
  });

  it('answers 202 once the order is recorded even when the queue fails: the record stays unqueued for the sweep', async () => {
    await fc.assert(
      fc.asyncProperty(validOrder, async (order) => {
        const { deps, enqueued, records } = fakeIntake({ enqueue: failure() });
        const response = await invokePost(event({ headers: { 'content-type': 'application/json' }, body: toJsonText(order) }), deps);
        expect(response.statusCode).toBe(202);
        expect(response.body).not.toContain(secretish);
        expect(enqueued).toEqual([]);
        const [record] = [...records.values()];
        expect(record).toMatchObject({ status: 'queued' });
        expect(record?.enqueuedAt).toBeUndefined();
      }),
      fuzzOptions(200),
    );
  });
});

const secretish = 'INTERNAL-DETAIL-7f3a';
const failure = () => Object.assign(new Error(`connect ECONNREFUSED 10.0.0.1:443 ${secretish}`), { stack: `Error: ${secretish}\n    at send (/var/task/index.mjs:1:2)` });

describe('GET /orders/{requestId} under fuzzing', () => {
  it('answers 200 or 404 for any path parameter, and looks up only well-formed ids', async () => {
    await fc.assert(
      fc.asyncProperty(fc.option(hostileString, { freq: 10 }), async (requestId) => {
        const looked: string[] = [];
        const ledger = { get: async (id: string) => (looked.push(id), undefined) } as unknown as RequestLedger;
        const handler = httpFunction((e) => getOrderHandler(e, ledger));
        const response = (await handler(
          event({ headers: {}, pathParameters: requestId === null ? undefined : { requestId } }),
          lambdaContext('getOrder', 10_000),
        )) as APIGatewayProxyStructuredResultV2;
        expect(response.statusCode).toBe(404);
        expect(Object.keys(JSON.parse(response.body ?? ''))).toEqual(['message']);
        expect(looked).toEqual(isValidRequestId(requestId) ? [requestId] : []);
      }),
      fuzzOptions(1000),
    );
  });
});
