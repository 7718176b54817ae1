import type { LedgerRecord } from '../ledger/request-ledger.ts';
import { kindOf } from './kinds/purchase.ts';

/**
 * What GET /orders/{requestId} answers: the request's state as a client needs it, no internals. A queued
 * request with an attempt whose effect is not settled yet is `reconciling`: the account is checked for the
 * order that attempt (started at `attemptStartedAt`) may have made, before anything else is tried. A
 * `pending` request shows until when its payment is followed; an unknown one its `resolution`, once known.
 */
export function orderView(record: LedgerRecord) {
  const reconciling = record.status === 'queued' && record.inFlight !== undefined;
  return {
    requestId: record.requestId,
    kind: record.order ? kindOf(record.order) : (record.outcome?.kind ?? 'order'),
    status: reconciling ? ('reconciling' as const) : record.status,
    ...(reconciling && record.inFlight ? { attemptStartedAt: new Date(record.inFlight.startedAt).toISOString() } : {}),
    attempts: record.attempts,
    order: record.outcome?.order ?? null,
    /** The VM, the domain or the renewed subscription, once Hostinger made them. */
    bought: record.outcome?.bought ?? null,
    error: record.outcome ? record.outcome.error : (record.lastError ?? null),
    outcomeId: record.outcome?.outcomeId ?? null,
    /** The order's total per currency at catalog prices (cents), once a spending policy priced it. */
    totals: record.outcome?.totals ?? record.approvalHold?.event.totals ?? null,
    /** While it waits for approval: why, and until when; once decided: who decided and when. */
    approval:
      record.approval ??
      (record.approvalHold ? { decision: 'awaiting' as const, reasons: record.approvalHold.event.reasons, expiresAt: record.approvalHold.event.expiresAt } : null),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    completedAt: record.outcome?.completedAt ?? null,
    // A pending payment is followed until then; an unknown may be resolved by later evidence.
    ...(record.status === 'pending' && record.followUp ? { followedUntil: new Date(record.followUp.until).toISOString() } : {}),
    ...(record.resolution ? { resolution: record.resolution } : {}),
  };
}
export type OrderView = ReturnType<typeof orderView>;
