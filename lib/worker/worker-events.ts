import type { SubmitProgress } from './submit-order.ts';

/**
 * What the worker does with a request before its outcome, told as it happens: a retry, a check of the
 * account after an unknown attempt, a deferral to a later delivery. Deployed, these are log lines; the local
 * stack prints them so a user can watch a request work.
 */
export type WorkerEvent = (SubmitProgress | { kind: 'deferred'; attempt: number; reason: string }) & { requestId: string };

export type WorkerObserver = (event: WorkerEvent) => void;
