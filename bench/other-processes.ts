import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** CPU time every core of the machine has spent busy since boot, in ms. */
const machineBusyMs = () => cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);

/**
 * Starts measuring how many cores other processes kept busy: the machine's busy CPU time less this process's
 * (all its threads), over the wall time. The result reads it for the time since. On a shared machine a run
 * that others took cores from is slower for a reason that is not the pipeline's.
 */
export function watchOtherProcesses(): () => number {
  const machine = machineBusyMs();
  const own = process.cpuUsage();
  const started = performance.now();
  return () => {
    const ownUsed = process.cpuUsage(own);
    const others = machineBusyMs() - machine - (ownUsed.user + ownUsed.system) / 1000;
    return Math.max(0, others / (performance.now() - started));
  };
}
