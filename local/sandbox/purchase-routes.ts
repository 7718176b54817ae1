/**
 * The provisioning purchases and the reads that go with them: VPS (/api/vps/v1/*), domains
 * (/api/domains/v1/*) and renewals (/api/billing/v1/subscriptions/{id}/renew). A purchase whose payment is
 * left pending answers 202 and provisions nothing: the user finishes it in hPanel.
 */
import { authenticated, type Buy, purchaseEndpoint } from './api-routes.ts';
import { newOrderStatus, type OrderStatus } from './billing-account.ts';
import { parseJson } from './http-io.ts';
import { DATA_CENTERS, domainDetails, TEMPLATES } from './provisioning.ts';
import { errorAnswer, json, tooManyAttempts, unprocessable } from './responses.ts';
import type { Route } from './route.ts';
import { isRecord } from './validate-order.ts';
import { validateAvailability, validateDomainPurchase, validateRenewal, validateVpsPurchase } from './validate-purchase.ts';

/** The request as the sandbox keeps it: a VM's root password is never stored. */
function withoutPassword(body: unknown): unknown {
  if (!isRecord(body) || !isRecord(body.setup) || body.setup.password === undefined) return body;
  return { ...body, setup: { ...body.setup, password: '[not stored]' } };
}

const provisioned = (status: OrderStatus) => status === 'completed';

const buyVps: Buy = (body, request, state) => {
  const validation = validateVpsPurchase(body);
  if (!validation.valid) return { errors: validation.errors };
  const { order, setup } = validation.value;
  return {
    make: (turn) => {
      const status = newOrderStatus(order.paymentMethod, turn);
      const record = state.account.placeOrder(order, withoutPassword(body), request.receivedAt, status, 'vps');
      const line = order.lines[0];
      if (!provisioned(status) || !line) return { record, status: 202, body: { order: record.order } };
      const vm = state.provisioned.createVm(record.order, line.priced.item, setup);
      return { record, status: 200, body: { order: record.order, virtual_machine: vm } };
    },
  };
};

const buyDomain: Buy = (body, request, state) => {
  const validation = validateDomainPurchase(body, (domain) => state.provisioned.isAvailable(domain));
  if (!validation.valid) return { errors: validation.errors };
  const { order, domain } = validation.value;
  return {
    make: (turn) => {
      const status = newOrderStatus(order.paymentMethod, turn);
      const record = state.account.placeOrder(order, body, request.receivedAt, status, 'domain');
      if (!provisioned(status)) return { record, status: 202, body: record.order };
      state.provisioned.registerDomain(domain, record.order, state.account.findSubscription(record.order.subscription_id)?.expires_at ?? null);
      return { record, status: 200, body: record.order };
    },
  };
};

const buyRenewal: Buy = (body, request, state) => {
  const subscriptionId = request.params.subscriptionId ?? '';
  const subscription = state.account.findSubscription(subscriptionId);
  if (!subscription) return { refused: errorAnswer(404, 'Subscription not found') };
  const validation = validateRenewal(body, subscription);
  if (!validation.valid) return { errors: validation.errors };
  const { paymentMethod, coupons } = validation.value;
  return {
    make: (turn) => {
      const status = newOrderStatus(paymentMethod, turn);
      const record = state.account.renew(subscriptionId, { paymentMethodId: paymentMethod.resource.id, coupons }, body ?? {}, request.receivedAt, status);
      return { record, status: turn === 'processing' ? 202 : 200, body: record.order };
    },
  };
};

export const PURCHASE_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/api/vps/v1/virtual-machines', handle: purchaseEndpoint(buyVps) },
  { method: 'GET', path: '/api/vps/v1/virtual-machines', handle: authenticated((_request, state) => json(200, state.provisioned.virtualMachines())) },
  { method: 'GET', path: '/api/vps/v1/templates', handle: authenticated(() => json(200, TEMPLATES)) },
  { method: 'GET', path: '/api/vps/v1/data-centers', handle: authenticated(() => json(200, DATA_CENTERS)) },
  { method: 'POST', path: '/api/domains/v1/portfolio', handle: purchaseEndpoint(buyDomain) },
  { method: 'GET', path: '/api/domains/v1/portfolio', handle: authenticated((_request, state) => json(200, state.provisioned.domains())) },
  {
    method: 'GET',
    path: '/api/domains/v1/portfolio/{domain}',
    handle: authenticated(({ params }, state) => {
      const found = state.provisioned.findDomain(params.domain ?? '');
      return found?.domain ? json(200, domainDetails({ ...found, domain: found.domain })) : errorAnswer(404, 'Domain not found');
    }),
  },
  {
    method: 'POST',
    path: '/api/domains/v1/availability',
    handle: authenticated(({ text }, state) => {
      const limited = state.availabilityLimit.take(Date.now());
      if (!limited.allowed) return tooManyAttempts(limited.retryAfterSeconds);
      const validation = validateAvailability(parseJson(text));
      if (!validation.valid) return unprocessable(validation.errors);
      const { name, tlds, withAlternatives } = validation.value;
      const checked = tlds
        .map((tld) => `${name}.${tld}`)
        .map((domain) => ({ domain, is_available: state.provisioned.isAvailable(domain), is_alternative: false, restriction: null }));
      // Alternatives only for a single TLD, as the spec says.
      const alternatives =
        withAlternatives && tlds.length === 1
          ? [`${name}-online.${tlds[0]}`, `get${name}.${tlds[0]}`].map((domain) => ({
              domain,
              is_available: state.provisioned.isAvailable(domain),
              is_alternative: true,
              restriction: null,
            }))
          : [];
      return json(200, [...checked, ...alternatives]);
    }),
  },
  { method: 'POST', path: '/api/billing/v1/subscriptions/{subscriptionId}/renew', handle: purchaseEndpoint(buyRenewal) },
];
