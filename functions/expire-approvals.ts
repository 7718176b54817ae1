import { createApprovalDependencies, createExpireApprovalsFunction } from '../lib/intake/wiring.ts';
import { approvalConfig } from '../lib/platform/config.ts';

/** Scheduled: orders that waited for approval past their expiry end order.rejected. */
export const handler = createExpireApprovalsFunction(createApprovalDependencies(approvalConfig()));
