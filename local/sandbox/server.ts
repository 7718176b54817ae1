/**
 * A local stand-in for Hostinger's billing API (developers.hostinger.com/api/billing/v1) on
 * node:http, with switchable faults. Local-only code: never bundled into a Lambda.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_ROUTES } from './api-routes.ts';
import type { SandboxOrderRecord, SubscriptionResource } from './billing-account.ts';
import { CONTROL_ROUTES } from './control-routes.ts';
import type { FaultRule } from './faults.ts';
import { readText, writeAnswer } from './http-io.ts';
import type { DomainResource, VirtualMachineResource } from './provisioning.ts';
import { PURCHASE_ROUTES } from './purchase-routes.ts';
import { type Answer, internalServerError, methodNotAllowed, notFound } from './responses.ts';
import { matchPath, type Route, type SandboxRequest } from './route.ts';
import { SandboxState } from './sandbox-state.ts';

export type { OrderResource, SandboxOrderRecord, SubscriptionResource } from './billing-account.ts';
export type { CatalogItemResource, CatalogPriceResource } from './catalog.ts';
export type { FaultKind, FaultRule } from './faults.ts';
export type { PaymentMethodResource } from './payment-methods.ts';
export type { DomainResource, VirtualMachineResource } from './provisioning.ts';

export interface SandboxOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The bearer token it accepts. */
  token: string;
  /** Fixed delay before every /api answer; default 0. */
  latencyMs?: number;
}

export interface HostingerSandbox {
  url: string;
  port: number;
  /** Token rotation: the old one is refused from then on. */
  setToken(token: string): void;
  setLatency(ms: number): void;
  addFaults(rules: FaultRule[]): void;
  clearFaults(): void;
  /** The rules still active, with what is left of their counts. */
  faults(): FaultRule[];
  /** Every order actually created, in order. */
  orders(): SandboxOrderRecord[];
  subscriptions(): SubscriptionResource[];
  /** VMs set up by VPS purchases. */
  virtualMachines(): VirtualMachineResource[];
  /** Domains registered by domain purchases. */
  domains(): DomainResource[];
  /** Purchase requests received (orders, VPS, domains, renewals), refused ones included. */
  requestCount(): number;
  /** Also destroys open keep-alive sockets. */
  close(): Promise<void>;
}

const ROUTES: readonly Route[] = [...API_ROUTES, ...PURCHASE_ROUTES, ...CONTROL_ROUTES];

/** Like Laravel, an unknown path is a 404 and a known one with another method a 405, before any auth. */
function route(request: SandboxRequest, state: SandboxState): Answer | Promise<Answer> {
  const { pathname } = request.url;
  const onPath = ROUTES.flatMap((candidate) => {
    const params = matchPath(candidate.path, pathname);
    return params ? [{ route: candidate, params }] : [];
  });
  if (onPath.length === 0) return notFound();
  const matched = onPath.find((candidate) => candidate.route.method === request.method);
  if (!matched)
    return methodNotAllowed(
      request.method,
      pathname,
      onPath.map((candidate) => candidate.route.method),
    );
  return matched.route.handle({ ...request, params: matched.params }, state);
}

async function answer(request: SandboxRequest, state: SandboxState): Promise<Answer> {
  if (request.url.pathname.startsWith('/api/')) await state.applyLatency();
  try {
    return await route(request, state);
  } catch (error) {
    if (state.closing) throw error;
    console.error('hostinger sandbox: handler failed', error);
    return internalServerError();
  }
}

async function serve(incoming: IncomingMessage, response: ServerResponse, state: SandboxState): Promise<void> {
  const receivedAt = new Date();
  try {
    const request: SandboxRequest = {
      method: incoming.method ?? 'GET',
      url: new URL(incoming.url ?? '/', 'http://sandbox.local'),
      params: {},
      authorization: incoming.headers.authorization,
      text: await readText(incoming),
      receivedAt,
    };
    writeAnswer(response, await answer(request, state));
  } catch {
    // The sandbox is closing (a wait was cut short) or the client went away: nobody to answer.
    response.socket?.destroy();
  }
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startHostingerSandbox(options: SandboxOptions): Promise<HostingerSandbox> {
  const state = new SandboxState(options.token, options.latencyMs ?? 0);
  const server = createServer((incoming, response) => void serve(incoming, response, state));
  const host = options.host ?? '127.0.0.1';
  const { port } = await listen(server, options.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    setToken: (token) => state.setToken(token),
    setLatency: (ms) => state.setLatency(ms),
    addFaults: (rules) => state.addFaults(rules),
    clearFaults: () => state.clearFaults(),
    faults: () => state.faults(),
    orders: () => state.account.orders(),
    subscriptions: () => state.account.subscriptions(),
    virtualMachines: () => state.provisioned.virtualMachines(),
    domains: () => state.provisioned.domains(),
    requestCount: () => state.orderRequests(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        state.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
