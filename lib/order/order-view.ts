import type { LedgerRecord } from '../ledger/request-ledger.ts';

/** What GET /orders/{requestId} answers: the request's state as a client needs it, no internals. */
export function orderView(record: LedgerRecord) {
  return {
    requestId: record.requestId,
    status: record.status,
    attempts: record.attempts,
    order: record.outcome?.order ?? null,
    error: record.outcome ? record.outcome.error : (record.lastError ?? null),
    outcomeId: record.outcome?.outcomeId ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    completedAt: record.outcome?.completedAt ?? null,
  };
}
export type OrderView = ReturnType<typeof orderView>;
