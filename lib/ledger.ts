import type { OrderRequest } from './order-request.ts';
import type { OrderError } from './hostinger/classify-attempt.ts';
import type { Outcome } from './outcome.ts';

/** Where a request stands. `queued` and `submitting` are in flight; the rest are terminal. */
export type RequestStatus = 'queued' | 'submitting' | Outcome['status'];
export type RequestSource = 'http' | 'queue';

/** One order request as the ledger keeps it: the source of GET /orders/{id} and of idempotency. */
export interface LedgerRecord {
  requestId: string;
  status: RequestStatus;
  source: RequestSource;
  /** Absent only for a message rejected as unreadable. */
  order?: OrderRequest;
  requestHash?: string;
  attempts: number;
  lastError?: OrderError;
  outcome?: Outcome;
  claimToken?: string;
  leaseUntil?: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewRequest {
  requestId: string;
  source: RequestSource;
  order: OrderRequest;
  requestHash: string;
  now: Date;
}

export type CreateResult = { created: true } | { created: false; existing: LedgerRecord };

/**
 * A claim makes this worker the only one submitting the request until `leaseUntil`.
 * `finished`: it already has an outcome; `busy`: another worker holds a live lease;
 * `conflict`: the id is taken by a different order.
 */
export type ClaimResult =
  | { claimed: true; record: LedgerRecord }
  | { claimed: false; reason: 'finished' | 'busy' | 'conflict'; existing: LedgerRecord };

export interface ClaimRequest extends NewRequest {
  claimToken: string;
  leaseUntil: number;
}

export interface Ledger {
  /** Records a new queued request; an existing one with the same id is returned instead. */
  create(request: NewRequest): Promise<CreateResult>;
  /** Removes a queued request that could not be enqueued, so a retry of the same request starts clean. */
  discardQueued(requestId: string): Promise<void>;
  get(requestId: string): Promise<LedgerRecord | undefined>;
  /** Claims a request for submission, creating its record if it came straight from the queue. */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** Notes an attempt about to start (after the first), with the error that made it necessary. */
  recordAttempt(requestId: string, claimToken: string, attempts: number, lastError: OrderError, now: Date): Promise<void>;
  /** Gives a claimed request back to the queue for a later delivery. */
  release(requestId: string, claimToken: string, attempts: number, lastError: OrderError, now: Date): Promise<void>;
  /** Stores the terminal outcome; from then on the request is never submitted again. */
  complete(requestId: string, claimToken: string, outcome: Outcome, now: Date): Promise<void>;
  /** Records the outcome of a message rejected before any claim (unreadable or invalid), unless its id exists. */
  recordRejectedMessage(requestId: string, outcome: Outcome, now: Date): Promise<void>;
}

/** Thrown when a claimed request was taken over by another worker (its lease had run out). */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(requestId: string) {
    super(`lease on request ${requestId} was lost to another worker`);
  }
}
