import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RequestLedger } from '../ledger/request-ledger.ts';
import type { PurchaseKind } from '../order/kinds/purchase.ts';
import { requestIdSchema } from '../order/order-request.ts';
import { orderView } from '../order/order-view.ts';
import { logger } from '../platform/logger.ts';
import { acceptOrder, type IntakeDependencies } from './accept-order.ts';
import { type ApprovalDependencies, decideOrder } from './approvals.ts';
import { callerOf } from './caller.ts';
import { bodyTooLarge, errorResponse, json, MAX_BODY_BYTES } from './http-response.ts';
import { PURCHASE_ROUTES } from './purchase-routes.ts';

type Response = APIGatewayProxyStructuredResultV2;

function bodyText(event: APIGatewayProxyEventV2): string {
  const raw = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
}

// Not @middy/http-json-body-parser: it answers in plain text, cannot bound the size, and we want one JSON
// error shape for every refusal.
export function readJsonBody(event: APIGatewayProxyEventV2): { ok: true; body: unknown } | { ok: false; response: Response } {
  const text = bodyText(event);
  // Nothing sent at all is an empty request, whatever its content type says (curl -X POST sends none).
  if (text.trim() === '') return { ok: false, response: errorResponse(400, 'request body is empty; send an order as JSON') };
  const contentType = event.headers?.['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    return { ok: false, response: errorResponse(415, 'Content-Type must be application/json') };
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    return { ok: false, response: bodyTooLarge() };
  }
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, response: errorResponse(400, 'request body is not valid JSON') };
  }
}

/** The kind a route takes, from its route key (`POST /vps`); a generic order when it names none of them. */
const kindOfRoute = (event: APIGatewayProxyEventV2): PurchaseKind => PURCHASE_ROUTES[event.routeKey?.split(' ')[1] ?? ''] ?? 'order';

/** POST /orders, POST /vps, POST /domains, POST /renewals */
export async function createOrderHandler(event: APIGatewayProxyEventV2, deps: IntakeDependencies): Promise<Response> {
  const read = readJsonBody(event);
  if (!read.ok) return read.response;
  const kind = kindOfRoute(event);
  let result;
  try {
    result = await acceptOrder({ body: read.body, idempotencyKey: event.headers?.['idempotency-key'], caller: callerOf(event)?.id, kind }, deps);
  } catch (error) {
    // Before anything was written (the catalog check could not run): nothing was recorded.
    logger.error('order could not be checked', { error: error as Error });
    return errorResponse(503, 'the order could not be checked right now and was not recorded; send it again');
  }
  switch (result.kind) {
    case 'unconfirmed':
      logger.error('order record could not be written or confirmed', { requestId: result.requestId, error: result.error as Error });
      // It may have been recorded (then it is processed like any other): only GET /orders/{id} can tell.
      return json(
        503,
        {
          message:
            `the order could not be confirmed as recorded; it may have been, and is then processed as usual. ` +
            `GET /orders/${result.requestId} tells: 404 means it was not recorded. Send it again only with the same Idempotency-Key, or after that 404`,
          requestId: result.requestId,
        },
        { location: `/orders/${result.requestId}` },
      );
    case 'invalid':
      return errorResponse(400, `invalid ${kind} request`, result.errors);
    case 'conflict':
      return errorResponse(409, result.message);
    case 'accepted':
      logger.info('order accepted', { requestId: result.requestId, kind, duplicate: result.duplicate });
      return json(
        202,
        { requestId: result.requestId, status: result.status },
        { location: `/orders/${result.requestId}`, ...(result.duplicate ? { 'idempotent-replayed': 'true' } : {}) },
      );
  }
}

/** GET /orders/{requestId} */
export async function getOrderHandler(event: APIGatewayProxyEventV2, ledger: RequestLedger): Promise<Response> {
  const requestId = requestIdSchema.safeParse(event.pathParameters?.requestId);
  if (!requestId.success) return errorResponse(404, 'no order request with this id');
  const record = await ledger.get(requestId.data);
  // Another caller's request is as good as absent: its existence is not theirs to learn.
  const visible = record && (record.owner === undefined || record.owner === callerOf(event)?.id);
  return visible ? json(200, orderView(record)) : errorResponse(404, `no order request with id ${requestId.data}`);
}

/** POST /orders/{requestId}/approve and POST /orders/{requestId}/deny; an optional body `{"reason": "..."}`. */
export async function decideOrderHandler(event: APIGatewayProxyEventV2, deps: ApprovalDependencies): Promise<Response> {
  const requestId = requestIdSchema.safeParse(event.pathParameters?.requestId);
  if (!requestId.success) return errorResponse(404, 'no order request with this id');
  const caller = callerOf(event);
  if (!caller) return errorResponse(401, 'the caller is not known: approving and denying need an authenticated caller');
  let reason: string | undefined;
  if (event.body) {
    const read = readJsonBody(event);
    if (!read.ok) return read.response;
    const body = read.body as { reason?: unknown } | null;
    if (body === null || typeof body !== 'object' || (body.reason !== undefined && (typeof body.reason !== 'string' || body.reason.length > 500))) {
      return errorResponse(400, 'invalid decision', { reason: ['must be a string of at most 500 characters'] });
    }
    reason = body.reason as string | undefined;
  }
  const decision = event.routeKey?.endsWith('/deny') ? 'denied' : 'approved';
  const result = await decideOrder({ requestId: requestId.data, decision, caller: caller.id, reason }, deps);
  switch (result.kind) {
    case 'missing':
      return errorResponse(404, `no order request with id ${requestId.data}`);
    case 'forbidden':
      return errorResponse(403, result.message);
    case 'conflict':
      return json(409, { message: result.message, status: result.status, approval: result.decision ?? null });
    case 'decided':
      return json(200, { requestId: requestId.data, status: 'queued', approval: result.decision }, result.replayed ? { 'idempotent-replayed': 'true' } : {});
  }
}
