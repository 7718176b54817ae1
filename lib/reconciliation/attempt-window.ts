import type { InFlightAttempt, LedgerRecord } from '../ledger/request-ledger.ts';
import type { AttemptWindow } from './verdict.ts';

/**
 * The window of an attempt as its mark in the ledger shows it: answered with a 5xx, or ended without an
 * answer, or, when no end was recorded, timed out at the latest `timeoutMs` after it started.
 */
export function windowOfMark(inFlight: InFlightAttempt, timeoutMs: number): AttemptWindow {
  return inFlight.answeredAt !== undefined
    ? { startedAt: inFlight.startedAt, endedAt: inFlight.answeredAt, answered: true, httpStatus: inFlight.answeredStatus }
    : { startedAt: inFlight.startedAt, endedAt: inFlight.endedAt ?? inFlight.startedAt + timeoutMs, answered: false };
}

/**
 * The window of an attempt that ended `unknown`: the one recorded with its follow-up, or without it the whole
 * time from the request to its outcome (wider, never less safe).
 */
export const unknownAttemptWindow = (record: LedgerRecord): AttemptWindow =>
  record.followUp?.window ?? { startedAt: Date.parse(record.createdAt), endedAt: Date.parse(record.outcome?.completedAt ?? record.updatedAt), answered: false };
