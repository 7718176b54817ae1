/**
 * Who bought which subscription: Hostinger's answer names it (recorded with the request), or reconciliation
 * attributes one it found to exactly one request.
 */
export interface SubscriptionLedger {
  /** Of these subscription ids, those that Hostinger's own answer attributed to some request. */
  subscriptionsBoughtByAnswer(subscriptionIds: string[]): Promise<Set<string>>;
  /** Attributes a subscription found by reconciliation to one request only; false if another took it. */
  claimSubscription(subscriptionId: string, requestId: string, now: Date): Promise<boolean>;
}
