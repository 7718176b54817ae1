import { createBudgetViewDependencies, getBudgetFunction } from '../lib/intake/quote-wiring.ts';
import { budgetConfig } from '../lib/platform/config.ts';

/** GET /budget: the spending policy's budgets, used and left. */
export const handler = getBudgetFunction(createBudgetViewDependencies(budgetConfig()));
