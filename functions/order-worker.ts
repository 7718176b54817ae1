import { workerConfig } from '../lib/platform/config.ts';
import { createWorkerDependencies, createWorkerFunction } from '../lib/worker/wiring.ts';

/** SQS-triggered: submits each order to Hostinger and publishes its outcome; reports only the messages to redeliver. */
export const handler = createWorkerFunction(createWorkerDependencies(workerConfig()));
