/**
 * Hands a received message back to the queue to be delivered again after `afterMs`, instead of after the
 * rest of its visibility timeout: for a request whose next step can run at a known time.
 */
export type ReturnMessage = (receiptHandle: string, afterMs: number) => Promise<void>;
