import type { FaultRule } from '../sandbox/server.ts';

/** A deterministic pseudo-random source (mulberry32), so a campaign can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What happens to one request on its way: the sandbox fault it meets, or how it is malformed. */
export type Profile =
  | { kind: 'clean' }
  /** A sandbox fault; paid with `paymentMethodId` when given, else with the account's default (a card). */
  | { kind: 'fault'; rule: Omit<FaultRule, 'match'>; paymentMethodId?: number }
  | { kind: 'cardVerification' }
  | { kind: 'unknownItem' }
  | { kind: 'unreadableMessage' }
  /** The worker's first attempt meets a refused connection (a real socket to a closed port). */
  | { kind: 'refusedConnection' };

/** Relative weights of the profiles: most requests are clean, every fault kind is met often enough to count. */
function profileTable(timeoutMs: number): [number, Profile][] {
  return [
    [120, { kind: 'clean' }],
    [6, { kind: 'fault', rule: { fault: 'error500', times: 1 } }],
    [3, { kind: 'fault', rule: { fault: 'error500', times: 2 } }],
    [6, { kind: 'fault', rule: { fault: 'error500AfterCreate', times: 1 } }],
    [2, { kind: 'fault', rule: { fault: 'error502', times: 1 } }],
    [2, { kind: 'fault', rule: { fault: 'error503', times: 1 } }],
    [2, { kind: 'fault', rule: { fault: 'error504', times: 1 } }],
    [4, { kind: 'fault', rule: { fault: 'reset', times: 1 } }],
    [4, { kind: 'fault', rule: { fault: 'resetAfterCreate', times: 1 } }],
    [4, { kind: 'fault', rule: { fault: 'delay', times: 1, delayMs: timeoutMs + 300 } }],
    [3, { kind: 'fault', rule: { fault: 'rateLimit', times: 1, retryAfterSeconds: 1 } }],
    [3, { kind: 'fault', rule: { fault: 'rateLimit', times: 2 } }],
    [2, { kind: 'fault', rule: { fault: 'accepted', times: 1 } }],
    [2, { kind: 'cardVerification' }],
    [3, { kind: 'unknownItem' }],
    [1, { kind: 'unreadableMessage' }],
    ...hostingerAnswerProfiles(),
  ];
}

/** The sandbox's default card (its issuer may ask for 3-D Secure) and PayPal (never leaves an order pending). */
export const CAMPAIGN_PAYMENT_METHODS: Record<number, string> = { 1327362: 'card', 1327363: 'paypal' };
const [CARD, PAYPAL] = [1327362, 1327363];

/**
 * Hostinger answers that hide what was done (issue 9, items 1, 2 and 4): a 500 after an order left awaiting
 * payment (on a card; on PayPal the order completes instead), a 500 on PayPal (retried, as the seed asks), a
 * gateway that gives up while the application goes on to make the order, and a connection refused before
 * anything was sent. The late orders are made well within the campaign's RECONCILE_LATE_MS (1,200 ms).
 */
function hostingerAnswerProfiles(): [number, Profile][] {
  return [
    [4, { kind: 'fault', rule: { fault: 'error500AfterPendingOrder', times: 1 }, paymentMethodId: CARD }],
    [3, { kind: 'fault', rule: { fault: 'error500AfterPendingOrder', times: 1 }, paymentMethodId: PAYPAL }],
    [3, { kind: 'fault', rule: { fault: 'error500', times: 1 }, paymentMethodId: PAYPAL }],
    [3, { kind: 'fault', rule: { fault: 'error502CreateLater', times: 1, delayMs: 400 } }],
    [3, { kind: 'fault', rule: { fault: 'error504CreateLater', times: 1, delayMs: 800 } }],
    [4, { kind: 'refusedConnection' }],
  ];
}

export function profilePicker(random: () => number, timeoutMs: number): () => Profile {
  const table = profileTable(timeoutMs);
  const total = table.reduce((sum, [weight]) => sum + weight, 0);
  return () => {
    let roll = random() * total;
    for (const [weight, profile] of table) {
      roll -= weight;
      if (roll < 0) return profile;
    }
    return { kind: 'clean' };
  };
}

export const profileName = (profile: Profile): string => {
  if (profile.kind !== 'fault') return profile.kind;
  const times = profile.rule.times && profile.rule.times > 1 ? `x${profile.rule.times}` : '';
  const paidWith = profile.paymentMethodId === undefined ? '' : `@${CAMPAIGN_PAYMENT_METHODS[profile.paymentMethodId] ?? profile.paymentMethodId}`;
  return `${profile.rule.fault}${times}${paidWith}`;
};
