import type { BudgetWindow } from './spending-policy.ts';

/**
 * What one currency's budget item holds: spending in hourly buckets (for the rolling 24 hours) and monthly
 * totals, plus the reservations not yet settled, by request id (so reserving is idempotent and a release
 * takes back exactly what was reserved).
 */
export interface BudgetState {
  hours: Record<string, number>;
  months: Record<string, number>;
  holds: Record<string, Hold>;
  /** The same buckets per caller who placed the orders (IAM principal ARN or JWT subject), for their own view. */
  owners?: Record<string, Buckets>;
}

export interface Buckets {
  hours: Record<string, number>;
  months: Record<string, number>;
}

export interface Hold {
  cents: number;
  hour: string;
  month: string;
  /** Epoch ms: holds never settled (a worker died at the wrong moment) are forgotten after a while. */
  at: number;
  owner?: string;
  /**
   * Every currency of the reservation, which is written one currency at a time: a hold whose worker died
   * before reaching the others is not the whole reservation. Absent on holds written before it existed.
   */
  of?: string[];
}

const HOUR_MS = 3_600_000;
/** Holds left unsettled longer than any month are dropped (their spending stays counted). */
const HOLD_RETENTION_MS = 40 * 24 * HOUR_MS;
/**
 * Holds kept at most, the newest: a currency's budget is one item, which DynamoDB caps at 400 KB. Holds left
 * unsettled (a worker that died; an unknown outcome, for its follow-up's days) would otherwise fill it, and then
 * every reservation fails. A dropped hold's amount stays counted; only its settling is lost. With MAX_OWNERS
 * and the longest request ids and caller ARNs the item stays near 300 KB (test/unit/spending-policy.test.ts).
 */
export const MAX_HOLDS = 500;
/**
 * Callers whose own usage is kept at most, the most recently active: each keeps up to 25 hourly and 2 monthly
 * buckets in the same item. A dropped caller's spending stays counted in the totals; only their own share
 * (`usedByCaller` of GET /budget) starts again from zero.
 */
export const MAX_OWNERS = 100;

export const EMPTY_BUDGET: BudgetState = { hours: {}, months: {}, holds: {} };

/** `2026-11-30T05` (UTC) */
export const hourKey = (at: number): string => new Date(at).toISOString().slice(0, 13);
/** `2026-11` (UTC) */
export const monthKey = (at: number): string => new Date(at).toISOString().slice(0, 7);

/**
 * Spent in each window (by `owner` alone when given). The rolling 24 hours are the current hour and the 23
 * before it, so a purchase counts for 23 to 24 hours (the current hour counts whole).
 */
export function usageOf(state: BudgetState, now: number, owner?: string): Record<BudgetWindow, number> {
  const buckets: Buckets = owner === undefined ? state : (state.owners?.[owner] ?? { hours: {}, months: {} });
  const oldest = hourKey(now - 23 * HOUR_MS);
  const daily = Object.entries(buckets.hours).reduce((sum, [hour, cents]) => (hour >= oldest && hour <= hourKey(now) ? sum + cents : sum), 0);
  return { daily, monthly: buckets.months[monthKey(now)] ?? 0 };
}

/** Buckets without what no window can count any more. */
function prunedBuckets(buckets: Buckets, now: number): Buckets {
  const oldestHour = hourKey(now - 24 * HOUR_MS);
  const previousMonth = monthKey(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 0));
  return {
    hours: Object.fromEntries(Object.entries(buckets.hours).filter(([hour, cents]) => hour >= oldestHour && cents !== 0)),
    months: Object.fromEntries(Object.entries(buckets.months).filter(([month, cents]) => month >= previousMonth && cents !== 0)),
  };
}

/** Drops buckets no window can count any more, owners with nothing left, and stale holds. */
function pruned(state: BudgetState, now: number): BudgetState {
  const lastActive = (buckets: Buckets) => Object.keys(buckets.hours).sort().at(-1) ?? Object.keys(buckets.months).sort().at(-1) ?? '';
  const owners = Object.entries(state.owners ?? {})
    .map(([owner, buckets]) => [owner, prunedBuckets(buckets, now)] as const)
    .filter(([, buckets]) => Object.keys(buckets.hours).length > 0 || Object.keys(buckets.months).length > 0)
    .sort(([, a], [, b]) => lastActive(b).localeCompare(lastActive(a)))
    .slice(0, MAX_OWNERS);
  return {
    ...prunedBuckets(state, now),
    holds: Object.fromEntries(
      Object.entries(state.holds)
        .filter(([, hold]) => now - hold.at < HOLD_RETENTION_MS)
        .sort(([, a], [, b]) => b.at - a.at)
        .slice(0, MAX_HOLDS),
    ),
    ...(owners.length > 0 ? { owners: Object.fromEntries(owners) } : {}),
  };
}

const added = (buckets: Buckets, hour: string, month: string, cents: number): Buckets => ({
  hours: { ...buckets.hours, [hour]: Math.max(0, (buckets.hours[hour] ?? 0) + cents) },
  months: { ...buckets.months, [month]: Math.max(0, (buckets.months[month] ?? 0) + cents) },
});

/** The state with a new reservation counted in the current hour and month (and its owner's); `of`: see Hold. */
export function withHold(state: BudgetState, requestId: string, cents: number, now: number, owner?: string, of?: string[]): BudgetState {
  const hour = hourKey(now);
  const month = monthKey(now);
  const next = pruned(state, now);
  const owners = owner === undefined ? next.owners : { ...next.owners, [owner]: added(next.owners?.[owner] ?? { hours: {}, months: {} }, hour, month, cents) };
  return {
    ...added(next, hour, month, cents),
    holds: { ...next.holds, [requestId]: { cents, hour, month, at: now, ...(owner === undefined ? {} : { owner }), ...(of ? { of } : {}) } },
    ...(owners ? { owners } : {}),
  };
}

/** Takes a hold's amount back from buckets that still count it. */
const takenBack = (buckets: Buckets, hold: Hold): Buckets => ({
  hours: buckets.hours[hold.hour] === undefined ? buckets.hours : { ...buckets.hours, [hold.hour]: Math.max(0, (buckets.hours[hold.hour] ?? 0) - hold.cents) },
  months: buckets.months[hold.month] === undefined ? buckets.months : { ...buckets.months, [hold.month]: Math.max(0, (buckets.months[hold.month] ?? 0) - hold.cents) },
});

/** The state with a reservation taken back (`release`) or made final (`keep`); undefined if there is no such hold. */
export function settled(state: BudgetState, requestId: string, how: 'release' | 'keep', now: number): BudgetState | undefined {
  const hold = state.holds[requestId];
  if (!hold) return undefined;
  const { [requestId]: _settled, ...holds } = state.holds;
  if (how === 'keep') return pruned({ ...state, holds }, now);
  const ownerBuckets = hold.owner === undefined ? undefined : state.owners?.[hold.owner];
  const owners = hold.owner !== undefined && ownerBuckets ? { ...state.owners, [hold.owner]: takenBack(ownerBuckets, hold) } : state.owners;
  return pruned({ ...takenBack(state, hold), holds, ...(owners ? { owners } : {}) }, now);
}
