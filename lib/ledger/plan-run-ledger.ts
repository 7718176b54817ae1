import type { RunEntry } from '../scheduled/run-events.ts';

export interface PlanRunProgress {
  size: number;
  entries: RunEntry[];
  summaryPublished: boolean;
}

/** The progress of scheduled plan runs: which of a run's orders have ended, and whether its summary went out. */
export interface PlanRunLedger {
  /** Records a scheduled run before its orders are queued; false if the run was already recorded (a repeat firing). */
  createRun(run: { run: string; plan: string; size: number; scheduledAt: string; now: Date }): Promise<boolean>;
  /** Records one order's end in its run (idempotent per request); returns the run's progress, if the run is known. */
  recordRunEntry(run: string, requestId: string, entry: RunEntry): Promise<PlanRunProgress | undefined>;
  /** Notes that the run's summary was published, so later repeats do not publish it again. */
  markRunSummaryPublished(run: string, now: Date): Promise<void>;
}
