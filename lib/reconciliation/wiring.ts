import type { HostingerReads } from '../catalog/wiring.ts';
import { createProvisioningReader } from '../hostinger/provisioning-reads.ts';
import { createDynamoDbPurchaseKeyLedger } from '../ledger/dynamodb-purchase-key-ledger.ts';
import { createDynamoDbSubscriptionLedger } from '../ledger/dynamodb-subscription-ledger.ts';
import type { LedgerTable } from '../ledger/dynamodb-table.ts';
import type { RequestLedger } from '../ledger/request-ledger.ts';
import type { WorkerConfig } from '../platform/config.ts';
import { logger } from '../platform/logger.ts';
import { createKeyedPurchases, type KeyedPurchases, type ReconcilePurchase, reconcileByKind } from './by-key.ts';
import { createReconciler, type Reconcile } from './reconciler.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What every kind of reconciliation reads with, and how patient it is. */
const readingWith = (config: Pick<WorkerConfig, 'reconcile' | 'timeoutMs' | 'reserveMs'>, reads: HostingerReads) => ({
  log: logger,
  billing: reads.billing,
  token: reads.token,
  settings: config.reconcile,
  timeoutMs: config.timeoutMs,
  reserveMs: config.reserveMs,
  sleep,
  now: Date.now,
});

/** Reconciliation against the account's records, as the worker and the follow-up both use it. */
export function createAccountReconciler(
  config: Pick<WorkerConfig, 'reconcile' | 'timeoutMs' | 'reserveMs'>,
  table: LedgerTable,
  requests: Pick<RequestLedger, 'unsettledAttempts' | 'get'>,
  reads: HostingerReads,
): Reconcile {
  return createReconciler({
    ...readingWith(config, reads),
    catalog: reads.catalog,
    ledger: { ...createDynamoDbSubscriptionLedger(table), unsettledAttempts: requests.unsettledAttempts, get: requests.get },
  });
}

/**
 * Reconciliation of every kind (a generic order by the subscriptions list, a VPS, domain or renewal by its
 * key), with the keyed purchases' hold and release for the worker.
 */
export function createPurchaseReconciler(
  config: Pick<WorkerConfig, 'reconcile' | 'timeoutMs' | 'reserveMs' | 'hostingerApiUrl'>,
  table: LedgerTable,
  requests: Pick<RequestLedger, 'unsettledAttempts' | 'get'>,
  reads: HostingerReads,
): { keyed: KeyedPurchases; reconcile: ReconcilePurchase } {
  const keyed = createKeyedPurchases({
    ...readingWith(config, reads),
    provisioning: createProvisioningReader({ baseUrl: config.hostingerApiUrl, timeoutMs: config.timeoutMs }),
    keys: createDynamoDbPurchaseKeyLedger(table),
  });
  return { keyed, reconcile: reconcileByKind(createAccountReconciler(config, table, requests, reads), keyed) };
}
