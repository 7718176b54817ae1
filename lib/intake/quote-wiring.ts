import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHostingerReads } from '../catalog/wiring.ts';
import { createDynamoDbBudgetLedger } from '../ledger/dynamodb-budget-ledger.ts';
import { awsClientOptions } from '../platform/aws-client-options.ts';
import type { QuoteConfig } from '../platform/config.ts';
import { httpFunction } from '../platform/middy-stack.ts';
import { type BudgetViewDependencies, budgetHandler, type QuoteDependencies, quoteHandler } from './quote-handlers.ts';

export const createBudgetViewDependencies = (config: Pick<QuoteConfig, 'tableName' | 'spendingPolicy'>): BudgetViewDependencies => ({
  budgets: createDynamoDbBudgetLedger({ client: new DynamoDBClient(awsClientOptions), tableName: config.tableName }),
  policy: config.spendingPolicy,
  now: () => new Date(),
});

export function createQuoteDependencies(config: QuoteConfig): QuoteDependencies {
  const reads = createHostingerReads(config);
  return {
    ...createBudgetViewDependencies(config),
    catalog: reads.catalog,
    subscriptions: async () => reads.billing.subscriptions(await reads.token()),
  };
}

/** POST /quotes */
export const createQuoteFunction = (deps: QuoteDependencies) => httpFunction((event) => quoteHandler(event, deps));
/** GET /budget */
export const getBudgetFunction = (deps: BudgetViewDependencies) => httpFunction((event) => budgetHandler(event, deps));
