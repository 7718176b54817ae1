/** The billing API itself: /api/billing/v1/{catalog,payment-methods,subscriptions,orders}. */
import { newOrderStatus, type PaymentTurn, type SandboxOrderRecord } from './billing-account.ts';
import { filterCatalog } from './catalog.ts';
import { type ActiveFaultRule, faultTarget } from './faults.ts';
import { parseJson } from './http-io.ts';
import { DEFAULT_PAYMENT_METHOD_ID, PAYMENT_METHODS } from './payment-methods.ts';
import { type Answer, errorAnswer, gatewayPage, internalServerError, json, tooManyAttempts, unauthenticated, unprocessable } from './responses.ts';
import type { Route, SandboxRequest } from './route.ts';
import type { SandboxState } from './sandbox-state.ts';
import { type ValidationErrors, validateOrderRequest } from './validate-order.ts';

type Handler = Route['handle'];

export function authenticated(handler: Handler): Handler {
  return (request, state) => (state.acceptsAuthorization(request.authorization) ? handler(request, state) : unauthenticated());
}

/** The answer of a fault that strikes before any order exists; undefined for those that let it be created. */
function answerBeforeCreate(rule: ActiveFaultRule): Answer | undefined {
  switch (rule.fault) {
    case 'error500':
      return internalServerError();
    case 'error502':
      return gatewayPage(502);
    case 'error503':
      return errorAnswer(503, 'Service Unavailable');
    case 'error504':
      return gatewayPage(504);
    case 'rateLimit':
      return tooManyAttempts(rule.retryAfterSeconds);
    case 'reset':
      return { kind: 'reset' };
    case 'unauthorized':
      return unauthenticated();
    case 'error500AfterCreate':
    case 'error500AfterPendingOrder':
    case 'resetAfterCreate':
    case 'delay':
    case 'accepted':
    case 'error502CreateLater':
    case 'error504CreateLater':
      return undefined;
  }
}

/** A purchase made: its order record, and the status and body the endpoint answers with. */
export interface Bought {
  record: SandboxOrderRecord;
  status: 200 | 202;
  body: unknown;
}

/**
 * Validates a purchase body: a 422's errors, another refusal (a 404), or the purchase to make, its payment
 * going as `turn` says (the `accepted` fault leaves it processing, error500AfterPendingOrder asks for 3-D Secure).
 */
export type Buy = (body: unknown, request: SandboxRequest, state: SandboxState) => { errors: ValidationErrors } | { refused: Answer } | { make: (turn: PaymentTurn) => Bought };

/** How long a payment answered with a 202 (payment_initiated) takes to complete. */
const PAYMENT_PROCESSING_MS = 2_000;

function paymentTurn(rule: ActiveFaultRule | undefined): PaymentTurn {
  if (rule?.fault === 'accepted') return 'processing';
  return rule?.fault === 'error500AfterPendingOrder' ? 'verificationAsked' : 'usual';
}

function answerAfterCreate(rule: ActiveFaultRule | undefined, bought: Bought): Answer {
  switch (rule?.fault) {
    case 'error500AfterCreate':
    case 'error500AfterPendingOrder':
      return internalServerError();
    case 'resetAfterCreate':
      return { kind: 'reset' };
    default:
      return json(bought.status, bought.body);
  }
}

/**
 * Every purchase endpoint (orders, VPS, domains, renewals) meets the same faults. Faults are drawn before
 * validation (a crashing server does not validate); those that let the purchase be made still answer 422
 * to an invalid body, having been used up all the same.
 */
export function purchaseEndpoint(buy: Buy): Handler {
  return (request, state) => {
    state.countOrderRequest(); // every attempt counts, refused ones too
    return authenticated(async () => {
      const body = parseJson(request.text); // a body that is not JSON counts as an empty one
      const fault = state.takeFault(faultTarget(body, DEFAULT_PAYMENT_METHOD_ID, request.url.pathname));
      const early = fault && answerBeforeCreate(fault);
      if (early) return early;
      if (fault?.fault === 'delay' && fault.delayMs) await state.wait(fault.delayMs);

      const checked = buy(body, request, state);
      if ('errors' in checked) return unprocessable(checked.errors);
      if ('refused' in checked) return checked.refused;
      if (fault?.fault === 'error502CreateLater' || fault?.fault === 'error504CreateLater') {
        // The gateway gave up on the application, which goes on and makes the purchase after the answer.
        const gatewayStatus = fault.fault === 'error502CreateLater' ? 502 : 504;
        void state
          .wait(fault.delayMs ?? 0)
          .then(() => state.account.recordAnswer(checked.make('usual').record.order.id, gatewayStatus))
          .catch(() => undefined); // the sandbox closed first: the purchase is never made
        return gatewayPage(gatewayStatus);
      }
      const bought = checked.make(paymentTurn(fault));
      if (bought.record.kind === 'order' && bought.record.order.status === 'payment_initiated') {
        // A payment still processing completes by itself a little later: the subscription starts only then.
        void state
          .wait(PAYMENT_PROCESSING_MS)
          .then(() => state.account.completePayment(bought.record.order.id))
          .catch(() => undefined);
      }
      const answer = answerAfterCreate(fault, bought);
      state.account.recordAnswer(bought.record.order.id, answer.kind === 'reset' ? 0 : answer.status);
      return answer;
    })(request, state);
  };
}

const buyOrder: Buy = (body, request, state) => {
  const validation = validateOrderRequest(body);
  if (!validation.valid) return { errors: validation.errors };
  const { order } = validation;
  return {
    make: (turn) => {
      const record = state.account.placeOrder(order, body, request.receivedAt, newOrderStatus(order.paymentMethod, turn));
      return { record, status: turn === 'processing' ? 202 : 200, body: record.order };
    },
  };
};

export const API_ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/billing/v1/catalog',
    handle: authenticated(({ url }) => json(200, filterCatalog({ category: url.searchParams.get('category'), name: url.searchParams.get('name') }))),
  },
  {
    method: 'GET',
    path: '/api/billing/v1/payment-methods',
    handle: authenticated(() => json(200, PAYMENT_METHODS)),
  },
  {
    method: 'GET',
    path: '/api/billing/v1/subscriptions',
    handle: authenticated((_request, state) => json(200, state.account.subscriptions())),
  },
  { method: 'POST', path: '/api/billing/v1/orders', handle: purchaseEndpoint(buyOrder) },
];
