/**
 * /__sandbox/*: unauthenticated, local-only switches so a user of the running stack can drive
 * the sandbox with curl (faults, token rotation, latency) and see the orders it created.
 */
import { parseJson } from './http-io.ts';
import { type Answer, errorAnswer, json } from './responses.ts';
import type { Route } from './route.ts';
import { SandboxInputError, type SandboxState } from './sandbox-state.ts';

/** Runs a setting change; a value it refuses becomes a 400 with the reason. */
function applying(change: () => Answer): Answer {
  try {
    return change();
  } catch (error) {
    if (error instanceof SandboxInputError) return errorAnswer(400, error.message);
    throw error;
  }
}

/** The named field of a JSON object body (a 400 when the body is not one). */
function bodyField(text: string, name: string, example: string): unknown {
  const body = parseJson(text);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SandboxInputError(`body must be a JSON object like ${example}`);
  }
  return (body as Record<string, unknown>)[name];
}

const noContent: Answer = { kind: 'empty', status: 204 };

function addFaults(text: string, state: SandboxState): Answer {
  const body = parseJson(text);
  if (body === undefined) throw new SandboxInputError('body must be JSON: {"rules":[...]} or a single fault rule');
  state.addFaults(body);
  return json(200, state.faults());
}

/** Completes an order's payment, as a person passing 3-D Secure in hPanel would. */
function completePayment(text: string, state: SandboxState): Answer {
  const orderId = bodyField(text, 'orderId', '{"orderId":2957086}');
  if (typeof orderId !== 'number' || !Number.isInteger(orderId)) throw new SandboxInputError('orderId must be an integer');
  const paid = state.account.completePayment(orderId);
  if (paid === 'no such order') return errorAnswer(404, `no order ${orderId}`);
  if (paid === 'not awaiting payment') return errorAnswer(409, `order ${orderId} is not awaiting payment`);
  return json(200, paid);
}

export const CONTROL_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/__sandbox/payments', handle: ({ text }, state) => applying(() => completePayment(text, state)) },
  { method: 'GET', path: '/__sandbox/orders', handle: (_request, state) => json(200, state.account.orders()) },
  { method: 'GET', path: '/__sandbox/faults', handle: (_request, state) => json(200, state.faults()) },
  { method: 'POST', path: '/__sandbox/faults', handle: ({ text }, state) => applying(() => addFaults(text, state)) },
  {
    method: 'DELETE',
    path: '/__sandbox/faults',
    handle: (_request, state) => {
      state.clearFaults();
      return noContent;
    },
  },
  {
    method: 'POST',
    path: '/__sandbox/token',
    handle: ({ text }, state) =>
      applying(() => {
        state.setToken(bodyField(text, 'token', '{"token":"..."}'));
        return noContent;
      }),
  },
  {
    method: 'POST',
    path: '/__sandbox/latency',
    handle: ({ text }, state) =>
      applying(() => {
        state.setLatency(bodyField(text, 'ms', '{"ms":100}'));
        return noContent;
      }),
  },
];
