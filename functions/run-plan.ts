import { planRunConfig } from '../lib/platform/config.ts';
import { createPlanRunDependencies, createPlanRunFunction } from '../lib/scheduled/wiring.ts';

/** Scheduled: fires one plan, queueing its orders with request ids that make a repeat firing harmless. */
export const handler = createPlanRunFunction(createPlanRunDependencies(planRunConfig()));
