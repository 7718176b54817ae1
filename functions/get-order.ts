import { readerConfig } from '../lib/platform/config.ts';
import { createReaderDependencies, getOrderFunction } from '../lib/intake/wiring.ts';

/** GET /orders/{requestId}: the request's current state from the ledger. */
export const handler = getOrderFunction(createReaderDependencies(readerConfig()));
