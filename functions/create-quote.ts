import { createQuoteDependencies, createQuoteFunction } from '../lib/intake/quote-wiring.ts';
import { quoteConfig } from '../lib/platform/config.ts';

/** POST /quotes: catalog prices, totals, payment method, the spending policy's verdict and the budget left; buys nothing. */
export const handler = createQuoteFunction(createQuoteDependencies(quoteConfig()));
