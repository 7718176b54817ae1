import { type CrashPoint, injectWorkerCrashes } from '../../local/worker-faults.ts';
import { startTestStack, type TestStack } from './local-stack.ts';

/** A local stack whose worker dies once at the point registered for a request id, then behaves. */
export interface CrashingStack {
  t: TestStack;
  /** Request id -> where its worker dies, once; the entry goes when it has. */
  crashes: Map<string, CrashPoint>;
}

/**
 * Short timeouts, so that a dead worker's message comes back within seconds (2 s visibility, 3 s function,
 * Hostinger's 600 ms); `functionEnv` and `followUpIntervalMs` as the test needs.
 */
export async function startCrashingStack(options: { functionEnv?: Record<string, string>; followUpIntervalMs?: number } = {}): Promise<CrashingStack> {
  const crashes = new Map<string, CrashPoint>();
  const t = await startTestStack({
    worker: { visibilityTimeoutSeconds: 2, functionTimeoutSeconds: 3 },
    ...(options.followUpIntervalMs === undefined ? {} : { followUpIntervalMs: options.followUpIntervalMs }),
    functionEnv: { HOSTINGER_TIMEOUT_MS: '600', WORKER_RESERVE_MS: '300', ...options.functionEnv },
    decorateWorker: (deps) =>
      injectWorkerCrashes(deps, (point, requestIds) => {
        const victim = requestIds.find((requestId) => crashes.get(requestId) === point);
        if (victim) crashes.delete(victim);
        return victim !== undefined;
      }),
  });
  return { t, crashes };
}

/** The built-in sandbox of a test stack (these tests inject its faults and read its orders). */
export function sandboxOf(t: TestStack) {
  if (!t.stack.sandbox) throw new Error('these tests need the built-in sandbox');
  return t.stack.sandbox;
}
