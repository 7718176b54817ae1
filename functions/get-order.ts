import { createReaderDependencies, getOrderFunction } from '../lib/intake/wiring.ts';
import { readerConfig } from '../lib/platform/config.ts';

/** GET /orders/{requestId}: the request's current state from the ledger. */
export const handler = getOrderFunction(createReaderDependencies(readerConfig()));
