import { approvalConfig } from '../lib/platform/config.ts';
import { createApprovalDependencies, createExpireApprovalsFunction } from '../lib/intake/wiring.ts';

/** Scheduled: orders that waited for approval past their expiry end order.rejected. */
export const handler = createExpireApprovalsFunction(createApprovalDependencies(approvalConfig()));
