import { vi } from 'vitest';
import type { AttemptResult } from '../../lib/hostinger/place-order.ts';
import type { InFlightAttempt, LedgerRecord } from '../../lib/ledger/request-ledger.ts';
import type { OrderMetrics } from '../../lib/platform/order-metrics.ts';
import type { WorkerDependencies } from '../../lib/worker/process-batch.ts';
import { collectingLog } from './log.ts';

/** The worker's ledger, faked: every request is claimed fresh, every write succeeds; `overrides` replace methods. */
export function fakeWorkerLedger(overrides: Record<string, unknown> = {}): WorkerDependencies['ledger'] {
  const claimed = (requestId: string): LedgerRecord => ({ requestId, status: 'submitting', source: 'queue', attempts: 0, createdAt: '', updatedAt: '' });
  return {
    claim: async (request: { requestId: string }) => ({ claimed: true, record: claimed(request.requestId) }),
    complete: async () => undefined,
    release: async () => undefined,
    startNextAttempt: async () => undefined,
    markAttemptEnded: async () => undefined,
    recordDeliveryFailure: vi.fn(async () => undefined),
    recordRunEntry: async () => undefined,
    recordAnswer: async () => true,
    ...overrides,
  } as unknown as WorkerDependencies['ledger'];
}

const metrics: OrderMetrics = { batch: () => undefined, attempt: () => undefined, outcome: () => undefined };

/** The worker's dependencies with its edges faked, quick retries and no waits; `overrides` replace any of them. */
export function workerDeps(placeOrder: (order: { items: { item_id: string }[] }) => Promise<AttemptResult>, overrides: Partial<WorkerDependencies> = {}): WorkerDependencies {
  return {
    log: collectingLog(),
    ledger: fakeWorkerLedger(),
    submit: {
      placeOrder: placeOrder as WorkerDependencies['submit']['placeOrder'],
      token: async () => 'token',
      policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      timeoutMs: 100,
      reserveMs: 1000,
      retryAmbiguous: false,
      sleep: async () => undefined,
      now: Date.now,
    },
    reconcile: async () => ({ result: 'absent' }),
    pendingPayment: async () => ({ result: 'settled' }),
    followUp: { firstLookMs: 30_000, maxIntervalMs: 3_600_000, pendingForMs: 86_400_000, unknownForMs: 86_400_000 },
    publish: vi.fn(async () => new Set<string>()),
    concurrency: 10,
    maxReceiveCount: 5,
    metrics,
    now: () => new Date(),
    ...overrides,
  };
}

/** A request's record with an attempt an earlier delivery (`claimToken`) left unsettled: only a check of the account is left. */
export const unsettledRecord = (requestId: string, inFlight: InFlightAttempt): LedgerRecord => ({
  requestId,
  status: 'submitting',
  source: 'queue',
  attempts: 0,
  createdAt: '',
  updatedAt: '',
  inFlight,
});
