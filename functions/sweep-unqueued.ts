import { createSweepDependencies, createSweepFunction } from '../lib/intake/wiring.ts';
import { sweepConfig } from '../lib/platform/config.ts';

/** Scheduled: queues the order requests the intake recorded whose message is not known to be on the queue. */
export const handler = createSweepFunction(createSweepDependencies(sweepConfig()));
