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
}

export interface Hold {
  cents: number;
  hour: string;
  month: string;
  /** Epoch ms: holds never settled (a worker died at the wrong moment) are forgotten after a while. */
  at: number;
}

const HOUR_MS = 3_600_000;
/** Holds left unsettled longer than any month are dropped (their spending stays counted). */
const HOLD_RETENTION_MS = 40 * 24 * HOUR_MS;

export const EMPTY_BUDGET: BudgetState = { hours: {}, months: {}, holds: {} };

/** `2026-11-30T05` (UTC) */
export const hourKey = (at: number): string => new Date(at).toISOString().slice(0, 13);
/** `2026-11` (UTC) */
export const monthKey = (at: number): string => new Date(at).toISOString().slice(0, 7);

/**
 * Spent in each window. The rolling 24 hours are the current hour and the 23 before it, so a purchase counts
 * for 23 to 24 hours (the current hour counts whole).
 */
export function usageOf(state: BudgetState, now: number): Record<BudgetWindow, number> {
  const oldest = hourKey(now - 23 * HOUR_MS);
  const daily = Object.entries(state.hours).reduce((sum, [hour, cents]) => (hour >= oldest && hour <= hourKey(now) ? sum + cents : sum), 0);
  return { daily, monthly: state.months[monthKey(now)] ?? 0 };
}

/** Drops buckets no window can count any more, and stale holds. */
function pruned(state: BudgetState, now: number): BudgetState {
  const oldestHour = hourKey(now - 24 * HOUR_MS);
  const previousMonth = monthKey(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 0));
  return {
    hours: Object.fromEntries(Object.entries(state.hours).filter(([hour, cents]) => hour >= oldestHour && cents !== 0)),
    months: Object.fromEntries(Object.entries(state.months).filter(([month, cents]) => month >= previousMonth && cents !== 0)),
    holds: Object.fromEntries(Object.entries(state.holds).filter(([, hold]) => now - hold.at < HOLD_RETENTION_MS)),
  };
}

/** The state with a new reservation counted in the current hour and month. */
export function withHold(state: BudgetState, requestId: string, cents: number, now: number): BudgetState {
  const hour = hourKey(now);
  const month = monthKey(now);
  const next = pruned(state, now);
  return {
    hours: { ...next.hours, [hour]: (next.hours[hour] ?? 0) + cents },
    months: { ...next.months, [month]: (next.months[month] ?? 0) + cents },
    holds: { ...next.holds, [requestId]: { cents, hour, month, at: now } },
  };
}

/** The state with a reservation taken back (`release`) or made final (`keep`); undefined if there is no such hold. */
export function settled(state: BudgetState, requestId: string, how: 'release' | 'keep', now: number): BudgetState | undefined {
  const hold = state.holds[requestId];
  if (!hold) return undefined;
  const { [requestId]: _settled, ...holds } = state.holds;
  const hours = { ...state.hours };
  const months = { ...state.months };
  if (how === 'release') {
    if (hours[hold.hour] !== undefined) hours[hold.hour] = Math.max(0, (hours[hold.hour] ?? 0) - hold.cents);
    if (months[hold.month] !== undefined) months[hold.month] = Math.max(0, (months[hold.month] ?? 0) - hold.cents);
  }
  return pruned({ hours, months, holds }, now);
}
