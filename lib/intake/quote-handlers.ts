import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CatalogCache } from '../catalog/catalog-cache.ts';
import type { Subscription } from '../hostinger/billing-reader.ts';
import type { BudgetLedger } from '../ledger/budget-ledger.ts';
import { asOrder, kindIn, parsePurchase, priceLines } from '../order/kinds/purchase.ts';
import { logger } from '../platform/logger.ts';
import { type BudgetUsage, budgetStandings } from '../policy/evaluate.ts';
import { priceRenewals } from '../policy/pricing.ts';
import { quoteOrder } from '../policy/quote.ts';
import { budgetCurrencies, type SpendingPolicy } from '../policy/spending-policy.ts';
import { callerOf } from './caller.ts';
import { readJsonBody } from './http-handlers.ts';
import { errorResponse, json } from './http-response.ts';

type Response = APIGatewayProxyStructuredResultV2;

export interface BudgetViewDependencies {
  budgets: Pick<BudgetLedger, 'usage'>;
  policy: SpendingPolicy;
  now: () => Date;
}

export interface QuoteDependencies extends BudgetViewDependencies {
  catalog: CatalogCache;
  /** The account's subscriptions, to price renewals. */
  subscriptions: () => Promise<Subscription[]>;
}

/**
 * POST /quotes: the body of POST /orders (or of another kind of purchase, named by a `kind` field as on the
 * queue: `{"kind": "vps", ...}`); answers what it would cost and whether it could be bought, buying nothing.
 */
export async function quoteHandler(event: APIGatewayProxyEventV2, deps: QuoteDependencies): Promise<Response> {
  const read = readJsonBody(event);
  if (!read.ok) return read.response;
  const kind = kindIn(read.body);
  if (!kind.ok) return errorResponse(400, 'invalid purchase request', kind.errors);
  const isObject = read.body !== null && typeof read.body === 'object' && !Array.isArray(read.body);
  const { kind: _kind, ...fields } = isObject ? (read.body as Record<string, unknown>) : {};
  const parsed = parsePurchase(kind.kind, isObject ? fields : read.body);
  if (!parsed.ok) return errorResponse(400, `invalid ${kind.kind} request`, parsed.errors);
  const purchase = parsed.value;
  const { renewals } = priceLines(purchase);
  let prices;
  let paymentMethods;
  let subscriptions;
  try {
    [prices, paymentMethods, subscriptions] = await Promise.all([deps.catalog.prices(), deps.catalog.paymentMethods(), renewals.length > 0 ? deps.subscriptions() : []]);
  } catch (error) {
    logger.warn('quote: the catalog, payment methods or subscriptions could not be read', { error: error as Error });
    return errorResponse(503, 'the Hostinger catalog or payment methods cannot be read right now; ask again shortly');
  }
  const renewed = priceRenewals(renewals, subscriptions);
  const usage = await deps.budgets.usage(budgetCurrencies(deps.policy), deps.now());
  const quote = quoteOrder({ order: asOrder(purchase), kind: kind.kind, prices, paymentMethods, policy: deps.policy, usage, renewals: renewed.lines });
  for (const unpriced of renewed.unpriced) quote.errors[unpriced] = ["has no renewal price in the account's subscriptions"];
  return json(200, quote);
}

/**
 * GET /budget: every budget of the spending policy with what is used and left (account-wide: what decides
 * whether an order fits), and what the caller's own orders used of it.
 */
export async function budgetHandler(event: APIGatewayProxyEventV2, deps: BudgetViewDependencies): Promise<Response> {
  const now = deps.now();
  const caller = callerOf(event)?.id;
  const currencies = budgetCurrencies(deps.policy);
  const [usage, own] = await Promise.all([deps.budgets.usage(currencies, now), caller ? deps.budgets.usage(currencies, now, caller) : Promise.resolve<BudgetUsage>({})]);
  return json(200, {
    caller: caller ?? null,
    at: now.toISOString(),
    budgets: budgetStandings(deps.policy, usage).map((standing) => ({ ...standing, usedByCaller: own[standing.currency]?.[standing.window] ?? 0 })),
  });
}
