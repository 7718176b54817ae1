import type { AttemptWindow } from '../reconciliation/verdict.ts';
import type { Deadline } from '../retry/retry-policy.ts';

/** Whether an attempt may start now (after waiting in-process, `waited`), or its message comes back at `retryAt`. */
export type TurnReady = { go: true; waited: boolean } | { go: false; retryAt: number; reason: string };

/**
 * One delivery's place in line for its catalog item: while the item is in careful mode (an attempt on it
 * ended ambiguous lately), attempts on it take turns, and none starts before an ambiguous one's window has
 * closed, so counting can settle each one alone. Outside careful mode every call is free: nothing is written.
 */
export interface AttemptTurn {
  /** Before anything is written for the delivery: when the item is blocked for a while by another's ambiguous attempt, when to come back. */
  peek(): Promise<{ retryAt: number; reason: string } | undefined>;
  /** Right before an attempt: takes (or keeps) the item's turn; the attempt runs on it. */
  begin(deadline: Deadline): Promise<TurnReady>;
  /** The attempt was answered: the next one on the item may start. */
  answered(): Promise<void>;
  /** The attempt ended ambiguous: the item turns careful and is held until the attempt's window has closed. */
  ambiguous(window: AttemptWindow): Promise<void>;
  /**
   * The ambiguous attempt was settled (found or absent): the item need not be held for it any longer.
   * `earlierOwner`: the delivery that made it, when that was an earlier one (its block is given back).
   */
  settled(earlierOwner?: string): Promise<void>;
}
