import type { FollowUpSettings } from '../follow-up/follow-up-policy.ts';
import type { SpendingPolicy } from '../policy/spending-policy.ts';
import { DEFAULT_NEVER_PENDING_PAYMENT_KINDS } from '../reconciliation/pending-payment.ts';
import type { ReconcilerSettings } from '../reconciliation/reconciler.ts';
import type { RetryPolicy } from '../retry/retry-policy.ts';
import { integerIn, integerRange } from './integer.ts';
import { loadSpendingPolicy } from './policy-file.ts';

/** Configuration comes from environment variables; a missing or malformed one fails the cold start loudly. */
type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`environment variable ${name} is required`);
  return value;
}

/** An integer setting, `fallback` when unset; at least `min` (0 unless a zero makes no sense). */
function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = integerIn(raw, min);
  if (value === undefined) throw new ConfigError(`environment variable ${name} must be ${integerRange(min)}, got "${raw}"`);
  return value;
}

/** Hostinger's API; serverless.yml's `hostingerApiUrl` parameter defaults to the same (test/deployment-template.test.ts). */
export const DEFAULT_HOSTINGER_API_URL = 'https://developers.hostinger.com';

export interface WorkerConfig extends HostingerAccessConfig {
  tableName: string;
  topicArn: string;
  /** The orders queue, to hand a message back early (ChangeMessageVisibility); without it a message waits its whole visibility timeout. */
  queueUrl?: string;
  policy: RetryPolicy;
  concurrency: number;
  reserveMs: number;
  maxReceiveCount: number;
  retryAmbiguous: boolean;
  /** Payment-method kinds that never leave an order awaiting payment: a 5xx on them is retried after the check. */
  neverPendingPaymentKinds: readonly string[];
  reconcile: ReconcilerSettings;
  catalogChecks: boolean;
  /** How long the catalog and payment methods are cached (catalog checks, reconciliation). */
  catalogCacheMs: number;
  maxFleetPauseMs: number;
  /** How long attempts on a catalog item take turns after an ambiguous one on it (RECONCILE_CAREFUL_SECONDS; 0: never). */
  carefulMs: number;
  /** Outcomes carry Hostinger's billing address (personal data) only when OUTCOMES_INCLUDE_BILLING_ADDRESS=true. */
  includeBillingAddress: boolean;
  /** The spending policy (SPENDING_POLICY_FILE, or the packaged spending-policy.json). */
  spendingPolicy: SpendingPolicy;
  followUp: FollowUpSettings;
}

function flag(env: Env, name: string): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return false;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new ConfigError(`environment variable ${name} must be true or false, got "${env[name]}"`);
}

/** A comma-separated list of payment-method kinds; `none` for an empty one. */
function kindList(env: Env, name: string, fallback: readonly string[]): readonly string[] {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (raw.toLowerCase() === 'none') return [];
  const kinds = raw
    .split(',')
    .map((kind) => kind.trim())
    .filter((kind) => kind !== '');
  if (kinds.some((kind) => !/^[a-z0-9_-]+$/i.test(kind)))
    throw new ConfigError(`environment variable ${name} must be payment-method kinds separated by commas (or none), got "${raw}"`);
  return kinds;
}

export function workerConfig(env: Env = process.env): WorkerConfig {
  return {
    tableName: required(env, 'ORDERS_TABLE'),
    topicArn: required(env, 'OUTCOMES_TOPIC_ARN'),
    queueUrl: env.ORDERS_QUEUE_URL?.trim() || undefined,
    ...hostingerAccess(env),
    policy: {
      maxAttempts: integer(env, 'HOSTINGER_MAX_ATTEMPTS', 5, 1),
      baseDelayMs: integer(env, 'HOSTINGER_RETRY_BASE_MS', 500),
      maxDelayMs: integer(env, 'HOSTINGER_RETRY_MAX_MS', 10_000),
    },
    concurrency: integer(env, 'WORKER_CONCURRENCY', 10, 1),
    reserveMs: reserveMs(env),
    maxReceiveCount: integer(env, 'MAX_RECEIVE_COUNT', 5, 1),
    retryAmbiguous: flag(env, 'RETRY_AMBIGUOUS_ATTEMPTS'),
    includeBillingAddress: flag(env, 'OUTCOMES_INCLUDE_BILLING_ADDRESS'),
    neverPendingPaymentKinds: kindList(env, 'NEVER_PENDING_PAYMENT_KINDS', DEFAULT_NEVER_PENDING_PAYMENT_KINDS),
    catalogChecks: catalogChecksOn(env),
    maxFleetPauseMs: integer(env, 'THROTTLE_MAX_PAUSE_MS', 60_000),
    carefulMs: integer(env, 'RECONCILE_CAREFUL_SECONDS', 300) * 1000,
    reconcile: reconcileSettings(env),
    catalogCacheMs: catalogCacheMs(env),
    spendingPolicy: loadSpendingPolicy(env),
    followUp: followUpSettings(env),
  };
}

/** How pending payments and unknown outcomes are looked at again (defaults: first look after 30 s, then doubling up to an hour, for 3 days). */
function followUpSettings(env: Env): FollowUpSettings {
  return {
    firstLookMs: integer(env, 'FOLLOW_UP_FIRST_LOOK_SECONDS', 30, 1) * 1000,
    maxIntervalMs: integer(env, 'FOLLOW_UP_MAX_INTERVAL_SECONDS', 3_600, 1) * 1000,
    pendingForMs: integer(env, 'PENDING_PAYMENT_TIMEOUT_SECONDS', 3 * 86_400, 1) * 1000,
    unknownForMs: integer(env, 'UNKNOWN_FOLLOW_UP_SECONDS', 3 * 86_400, 1) * 1000,
  };
}

/** The follow-up reads the account and reconciles as the worker does, and publishes on the same topic. */
export type FollowUpConfig = Pick<
  WorkerConfig,
  'tableName' | 'topicArn' | 'reconcile' | 'catalogCacheMs' | 'followUp' | keyof HostingerAccessConfig | 'reserveMs' | 'spendingPolicy' | 'neverPendingPaymentKinds'
>;

export function followUpConfig(env: Env = process.env): FollowUpConfig {
  return {
    tableName: required(env, 'ORDERS_TABLE'),
    topicArn: required(env, 'OUTCOMES_TOPIC_ARN'),
    ...hostingerAccess(env),
    reconcile: reconcileSettings(env),
    catalogCacheMs: catalogCacheMs(env),
    followUp: followUpSettings(env),
    reserveMs: reserveMs(env),
    // A request proven not bought gives its budget reservation back, if its order cannot be awaiting payment.
    spendingPolicy: loadSpendingPolicy(env),
    neverPendingPaymentKinds: kindList(env, 'NEVER_PENDING_PAYMENT_KINDS', DEFAULT_NEVER_PENDING_PAYMENT_KINDS),
  };
}

function reconcileSettings(env: Env): ReconcilerSettings {
  return {
    clockSkewMs: integer(env, 'RECONCILE_CLOCK_SKEW_MS', 2_000),
    lateMs: integer(env, 'RECONCILE_LATE_MS', 5_000),
    settleMs: integer(env, 'RECONCILE_SETTLE_MS', 1_000),
    indexLagMs: integer(env, 'RECONCILE_INDEX_LAG_MS', 2_000),
    patienceMs: integer(env, 'RECONCILE_PATIENCE_SECONDS', 120) * 1000,
    sharedAccount: flag(env, 'RECONCILE_SHARED_ACCOUNT'),
  };
}

const catalogCacheMs = (env: Env) => integer(env, 'CATALOG_CACHE_SECONDS', 600) * 1000;
const reserveMs = (env: Env) => integer(env, 'WORKER_RESERVE_MS', 2_000);

/** How a function reaches the Hostinger API: where it is, the secret holding its token, and patience. */
export interface HostingerAccessConfig {
  hostingerApiUrl: string;
  tokenSecretId: string;
  tokenCacheSeconds: number;
  timeoutMs: number;
}

function hostingerAccess(env: Env): HostingerAccessConfig {
  return {
    hostingerApiUrl: env.HOSTINGER_API_URL?.trim() || DEFAULT_HOSTINGER_API_URL,
    tokenSecretId: required(env, 'HOSTINGER_TOKEN_SECRET_ID'),
    tokenCacheSeconds: integer(env, 'TOKEN_CACHE_SECONDS', 300),
    timeoutMs: integer(env, 'HOSTINGER_TIMEOUT_MS', 10_000),
  };
}

/** Catalog checks at intake: on unless CATALOG_CHECKS=off; they need the Hostinger API and its token. */
export interface CatalogCheckConfig extends HostingerAccessConfig {
  catalogCacheMs: number;
}

function catalogChecksOn(env: Env): boolean {
  const setting = env.CATALOG_CHECKS?.trim().toLowerCase() || 'on';
  if (setting !== 'on' && setting !== 'off') throw new ConfigError(`environment variable CATALOG_CHECKS must be on or off, got "${env.CATALOG_CHECKS}"`);
  return setting === 'on';
}

function catalogCheckConfig(env: Env): CatalogCheckConfig | undefined {
  if (!catalogChecksOn(env)) return undefined;
  return { ...hostingerAccess(env), catalogCacheMs: catalogCacheMs(env) };
}

export interface IntakeConfig {
  tableName: string;
  queueUrl: string;
  catalogChecks?: CatalogCheckConfig;
}

export function intakeConfig(env: Env = process.env): IntakeConfig {
  return { tableName: required(env, 'ORDERS_TABLE'), queueUrl: required(env, 'ORDERS_QUEUE_URL'), catalogChecks: catalogCheckConfig(env) };
}

export interface ReaderConfig {
  tableName: string;
}

export function readerConfig(env: Env = process.env): ReaderConfig {
  return { tableName: required(env, 'ORDERS_TABLE') };
}

export interface PlanRunConfig {
  tableName: string;
  queueUrl: string;
  topicArn: string;
  /** Where compiled plans are read; by default the packaged .batches-compiled/ folder. */
  plansDir?: string;
}

export function planRunConfig(env: Env = process.env): PlanRunConfig {
  return {
    tableName: required(env, 'ORDERS_TABLE'),
    queueUrl: required(env, 'ORDERS_QUEUE_URL'),
    topicArn: required(env, 'OUTCOMES_TOPIC_ARN'),
    plansDir: env.COMPILED_PLANS_DIR?.trim() || undefined,
  };
}

export interface SweepConfig {
  tableName: string;
  queueUrl: string;
  /** Requests recorded longer ago than this without their message known to be queued are queued again. */
  olderThanMs: number;
}

export function sweepConfig(env: Env = process.env): SweepConfig {
  return {
    tableName: required(env, 'ORDERS_TABLE'),
    queueUrl: required(env, 'ORDERS_QUEUE_URL'),
    olderThanMs: integer(env, 'SWEEP_QUEUED_AFTER_SECONDS', 60) * 1000,
  };
}

/** Approving, denying and expiring orders that wait for approval. */
export interface ApprovalConfig {
  tableName: string;
  queueUrl: string;
  spendingPolicy: SpendingPolicy;
}

export function approvalConfig(env: Env = process.env): ApprovalConfig {
  return { tableName: required(env, 'ORDERS_TABLE'), queueUrl: required(env, 'ORDERS_QUEUE_URL'), spendingPolicy: loadSpendingPolicy(env) };
}

/** POST /quotes and GET /budget: the catalog (POST /quotes only), the budgets and the policy. */
export interface QuoteConfig extends CatalogCheckConfig {
  tableName: string;
  spendingPolicy: SpendingPolicy;
}

export function quoteConfig(env: Env = process.env): QuoteConfig {
  return {
    ...hostingerAccess(env),
    tableName: required(env, 'ORDERS_TABLE'),
    catalogCacheMs: integer(env, 'CATALOG_CACHE_SECONDS', 600) * 1000,
    spendingPolicy: loadSpendingPolicy(env),
  };
}

export function budgetConfig(env: Env = process.env): Pick<QuoteConfig, 'tableName' | 'spendingPolicy'> {
  return { tableName: required(env, 'ORDERS_TABLE'), spendingPolicy: loadSpendingPolicy(env) };
}
