/**
 * Requests the intake recorded whose message is not known to be on the queue: the SendMessage failed, its
 * reply was lost, or the intake died in between. A sweep finds them and queues them (again), so every
 * request answered 202 reaches an outcome; a repeated message is harmless (the worker's claim dedupes).
 */
export interface UnqueuedRequests {
  /** Request ids recorded before `before` (epoch ms) and not yet marked enqueued; may lag (an index), so re-check each. */
  recordedBefore(before: number, limit: number): Promise<string[]>;
}
