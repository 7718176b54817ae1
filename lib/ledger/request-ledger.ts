import type { ApprovalDecision, ApprovalHold } from '../order/approval.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import type { OrderError } from '../order/order-error.ts';
import type { Outcome } from '../order/outcome.ts';
import type { Resolution } from '../order/resolution.ts';
import type { AttemptWindow } from '../reconciliation/verdict.ts';
import type { FollowUp, FollowUpDocument } from './follow-ups.ts';

/** Where a request stands. `queued`, `submitting` and `awaiting_approval` are in flight; the rest are terminal. */
export type RequestStatus = 'queued' | 'submitting' | 'awaiting_approval' | Outcome['status'];
export type RequestSource = 'http' | 'queue';

/**
 * An attempt that was started and whose answer is not recorded yet. Found by a later delivery, it means
 * the worker died or lost the answer mid-call: Hostinger may have created the order.
 */
export interface InFlightAttempt {
  /** Its number is always `attempts + 1`. */
  startedAt: number;
  claimToken: string;
  /** Set when Hostinger answered with a 5xx: it may have made the order. */
  answeredAt?: number;
  /** That 5xx: after a gateway's, the order may still be made after the answer. */
  answeredStatus?: number;
  /** When the call ended without a usable answer (lost, or a 5xx): from then on no answer can come for it. */
  endedAt?: number;
}

/** One order request as the ledger keeps it: the source of GET /orders/{id} and of idempotency. */
export interface LedgerRecord {
  requestId: string;
  status: RequestStatus;
  source: RequestSource;
  /** Absent only for a message rejected as unreadable. */
  /** The purchase, of any kind, without secrets (see redactPurchase). */
  order?: Purchase;
  requestHash?: string;
  /** Attempts whose answer is known (the one in flight, if any, is not counted). */
  attempts: number;
  inFlight?: InFlightAttempt;
  lastError?: OrderError;
  outcome?: Outcome;
  /** The Hostinger subscription this request bought; `answer` when Hostinger said so, `reconciliation` when found afterwards. */
  subscriptionId?: string;
  subscriptionSource?: 'answer' | 'reconciliation';
  /** Why the last delivery of the message failed, when it is about to land in the dead-letter queue. */
  deliveryFailure?: { reason: string; receiveCount: number; at: string };
  claimToken?: string;
  leaseUntil?: number;
  /** The token of the write that created the record at the intake: a retried create recognises itself by it. */
  createToken?: string;
  /** When the intake's message was known to be on the queue; absent while the sweep must check (see UnqueuedRequests). */
  enqueuedAt?: string;
  /** The claim that last released or completed the request: a retried release or completion recognises itself by it. */
  settledBy?: string;
  /** The caller who made the request (IAM principal ARN or JWT subject); absent for queue producers. */
  owner?: string;
  /** While it waits for approval (see ApprovalLedger). */
  approvalHold?: ApprovalHold;
  /** The approval decision, once made. */
  approval?: ApprovalDecision;
  /** While the outcome is followed up: a pending payment, or an unknown that evidence may still decide. */
  followUp?: FollowUp;
  /** A purchase found by its key whose subscription is not known, and the window it was bought in (see Completion). */
  keyedWindow?: AttemptWindow;
  /** The follow-up's document, recorded and not yet known to be published. */
  followUpUnpublished?: FollowUpDocument;
  /** What an unknown outcome turned out to be, once evidence decided it. */
  resolution?: Resolution;
  createdAt: string;
  updatedAt: string;
}

export interface NewRequest {
  requestId: string;
  source: RequestSource;
  order: Purchase;
  requestHash: string;
  /** The caller making the request, when known (HTTP intake). */
  owner?: string;
  now: Date;
}

/** A request recorded by the intake before its message is sent: listed as unqueued until marked enqueued. */
export interface NewIntakeRequest extends NewRequest {
  /** Unique per create: a retry of this write whose first reply was lost finds the token and knows the record is its own. */
  createToken: string;
}

export type CreateResult = { created: true } | { created: false; existing: LedgerRecord };

/**
 * A claim makes this worker the only one submitting the request until `leaseUntil`.
 * `finished`: it already has an outcome; `busy`: another worker holds a live lease;
 * `conflict`: the id is taken by a different order.
 */
export type ClaimResult = { claimed: true; record: LedgerRecord } | { claimed: false; reason: 'finished' | 'busy' | 'conflict'; existing: LedgerRecord };

export interface ClaimRequest extends NewRequest {
  claimToken: string;
  leaseUntil: number;
}

/** What the worker records when it ends a request. */
export interface Completion {
  outcome: Outcome;
  subscriptionId?: string;
  subscriptionSource?: 'answer' | 'reconciliation';
  /** The outcome is looked at again later: a payment still pending, or an unknown evidence may still decide. */
  followUp?: FollowUp;
  /**
   * A purchase found by its key (a VM's hostname, a domain in the portfolio) whose subscription is not known:
   * the attempt stays listed as unsettled with its window, so a generic order of the same item never takes
   * that subscription for its own.
   */
  keyedWindow?: AttemptWindow;
}

/** Requests with an attempt whose effect is not settled, by item: where reconciliation looks for rivals. */
export interface UnsettledAttempts {
  /**
   * Requests with an attempt on this item (alone or among other items) started between `from` and `to`
   * (epoch ms) whose effect is not settled: in flight, awaiting reconciliation, or ended unknown. Any of them
   * could own an unexplained order.
   */
  unsettledAttempts(itemId: string, from: number, to: number): Promise<{ requestId: string; since: number }[]>;
}

/** Order requests: the source of GET /orders/{id}, of idempotency, and of who holds a request. */
export interface RequestLedger extends UnsettledAttempts {
  /**
   * Records a new queued request, listed as unqueued until `markEnqueued`; an existing one with the same id
   * is returned instead (unless it carries this create's token: then it is this create's own write).
   */
  create(request: NewIntakeRequest): Promise<CreateResult>;
  /** Notes that the request's message is on the queue, so the sweep of unqueued requests leaves it alone. */
  markEnqueued(requestId: string, now: Date): Promise<void>;

  get(requestId: string): Promise<LedgerRecord | undefined>;
  /**
   * Claims a request for submission, creating its record if it came straight from the queue, and marks its
   * next attempt as in flight, unless an earlier attempt still is: the returned record then shows that one.
   * A claim whose reply was lost recognises itself by its token when the SDK's retry fails its condition.
   */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** Records the answers so far and marks the next attempt as in flight, started now. */
  startNextAttempt(requestId: string, claimToken: string, attemptsAnswered: number, lastError: OrderError | undefined, now: Date): Promise<void>;
  /**
   * Notes that the attempt in flight ended without a usable answer, before it is reconciled: rival requests
   * reconciling the same item then know no answer will come for it (see joint-check.ts).
   */
  markAttemptEnded(requestId: string, claimToken: string, attempt: InFlightAttempt): Promise<void>;
  /** Gives a claimed request back to the queue; `unresolved` marks an attempt whose effect the next delivery must settle first. */
  release(requestId: string, claimToken: string, update: { attempts: number; lastError: OrderError; unresolved?: InFlightAttempt; now: Date }): Promise<void>;
  /** Stores the terminal outcome; from then on the request is never submitted again. */
  complete(requestId: string, claimToken: string, completion: Completion, now: Date): Promise<void>;
  /**
   * Records the outcome of a message rejected before any claim. If the id is taken, says so, with the
   * outcome stored under it if there is one (a redelivery, or a repeat of a finished request).
   */
  recordRejectedMessage(requestId: string, outcome: Outcome, now: Date): Promise<{ recorded: true } | { recorded: false; existing?: Outcome }>;
  /** Notes why a message's last allowed delivery failed (it goes to the dead-letter queue next). */
  recordDeliveryFailure(requestId: string, reason: string, receiveCount: number, now: Date): Promise<void>;
}

/** Thrown when a claimed request was taken over by another worker (its lease had run out). */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
  constructor(requestId: string) {
    super(`lease on request ${requestId} was lost to another worker`);
  }
}
