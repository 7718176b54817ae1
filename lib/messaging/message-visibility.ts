/**
 * Hands a received message back to the queue to be delivered again after `afterMs`, instead of after the
 * rest of its visibility timeout: for a request whose next step can run at a known time.
 */
export type ReturnMessage = (receiptHandle: string, afterMs: number) => Promise<void>;

/** A received message as it is sent again: its body and its string message attributes. */
export interface MessageCopy {
  body: string;
  attributes: Record<string, string>;
}

/**
 * Sends a copy of a received message, delivered after `afterMs`, as a new message whose receive count starts
 * again: for a request that only waits (for its turn on an item, or for rivals to settle), so that waiting
 * never spends the deliveries that stand between a failing message and the dead-letter queue. The caller
 * lets the original be deleted once this resolves.
 */
export type HandBackMessage = (copy: MessageCopy, afterMs: number) => Promise<void>;
