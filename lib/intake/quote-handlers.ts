import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { CatalogCache } from '../catalog/catalog-cache.ts';
import type { BudgetLedger } from '../ledger/budget-ledger.ts';
import { parseOrderRequest } from '../order/order-request.ts';
import { logger } from '../platform/logger.ts';
import { budgetStandings } from '../policy/evaluate.ts';
import { quoteOrder } from '../policy/quote.ts';
import { ORDER_KIND, budgetCurrencies, type SpendingPolicy } from '../policy/spending-policy.ts';
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
}

/** POST /quotes: the same body as POST /orders; answers what it would cost and whether it could be bought, buying nothing. */
export async function quoteHandler(event: APIGatewayProxyEventV2, deps: QuoteDependencies): Promise<Response> {
  const read = readJsonBody(event);
  if (!read.ok) return read.response;
  const parsed = parseOrderRequest(read.body);
  if (!parsed.ok) return errorResponse(400, 'invalid order request', parsed.errors);
  let prices;
  let paymentMethods;
  try {
    [prices, paymentMethods] = await Promise.all([deps.catalog.prices(), deps.catalog.paymentMethods()]);
  } catch (error) {
    logger.warn('quote: the catalog or payment methods could not be read', { error: error as Error });
    return errorResponse(503, 'the Hostinger catalog or payment methods cannot be read right now; ask again shortly');
  }
  const usage = await deps.budgets.usage(budgetCurrencies(deps.policy), deps.now());
  return json(200, quoteOrder({ order: parsed.value, kind: ORDER_KIND, prices, paymentMethods, policy: deps.policy, usage }));
}

/** GET /budget: every budget of the spending policy with what is used and left, and who asks. */
export async function budgetHandler(event: APIGatewayProxyEventV2, deps: BudgetViewDependencies): Promise<Response> {
  const now = deps.now();
  const usage = await deps.budgets.usage(budgetCurrencies(deps.policy), now);
  return json(200, { caller: callerOf(event)?.id ?? null, at: now.toISOString(), budgets: budgetStandings(deps.policy, usage) });
}
