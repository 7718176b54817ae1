import { createApprovalDependencies, decideOrderFunction } from '../lib/intake/wiring.ts';
import { approvalConfig } from '../lib/platform/config.ts';

/** POST /orders/{requestId}/approve and POST /orders/{requestId}/deny: records who decided, and queues the order again. */
export const handler = decideOrderFunction(createApprovalDependencies(approvalConfig()));
