import { createIntakeDependencies, createOrderFunction } from '../lib/intake/wiring.ts';
import { intakeConfig } from '../lib/platform/config.ts';

/** POST /orders: validate (schema, then catalog and payment method), record, enqueue, answer 202. */
export const handler = createOrderFunction(createIntakeDependencies(intakeConfig()));
