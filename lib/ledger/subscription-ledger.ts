/**
 * Who bought which subscription: Hostinger's answer names it (recorded with the request), or reconciliation
 * attributes one it found to exactly one request.
 */
export interface SubscriptionLedger extends SubscriptionAttribution, AttributionReader {
  /**
   * Records that Hostinger's answer gave this subscription to the request, before the request's unsettled
   * mark is removed; false if reconciliation had already given it to another request.
   */
  recordAnswer(subscriptionId: string, requestId: string, now: Date): Promise<boolean>;
}

/** What reconciliation reads and writes of the attributions. */
export interface SubscriptionAttribution {
  /** Of these subscription ids, those that Hostinger's own answer attributed to some request (read consistently). */
  subscriptionsBoughtByAnswer(subscriptionIds: string[]): Promise<Set<string>>;
  /** Attributes a subscription found by reconciliation to one request only; false if another took it. */
  claimSubscription(subscriptionId: string, requestId: string, now: Date): Promise<boolean>;
}

/** Who took which subscription, whatever the source: what reasoning about several attempts at once needs. */
export interface AttributionReader {
  /** Of these subscription ids, those attributed to a request (by answer or reconciliation), with the request (read consistently). */
  attributions(subscriptionIds: string[]): Promise<Map<string, string>>;
}
