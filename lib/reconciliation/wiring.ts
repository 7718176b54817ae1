import type { createHostingerReads } from '../catalog/wiring.ts';
import { createDynamoDbSubscriptionLedger } from '../ledger/dynamodb-subscription-ledger.ts';
import type { LedgerTable } from '../ledger/dynamodb-table.ts';
import type { UnsettledAttempts } from '../ledger/request-ledger.ts';
import type { WorkerConfig } from '../platform/config.ts';
import { createReconciler, type Reconcile } from './reconciler.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reconciliation against the account's records, as the worker and the follow-up both use it. */
export function createAccountReconciler(
  config: Pick<WorkerConfig, 'reconcile' | 'timeoutMs' | 'reserveMs'>,
  table: LedgerTable,
  requests: UnsettledAttempts,
  reads: ReturnType<typeof createHostingerReads>,
): Reconcile {
  return createReconciler({
    billing: reads.billing,
    catalog: reads.catalog,
    ledger: { ...createDynamoDbSubscriptionLedger(table), unsettledAttempts: requests.unsettledAttempts },
    token: reads.token,
    settings: config.reconcile,
    timeoutMs: config.timeoutMs,
    reserveMs: config.reserveMs,
    sleep,
    now: Date.now,
  });
}
