import { describe, expect, it } from 'vitest';
import { intakeConfig, workerConfig } from '../../lib/platform/config.ts';

const worker = { ORDERS_TABLE: 't', OUTCOMES_TOPIC_ARN: 'arn:topic', HOSTINGER_TOKEN_SECRET_ID: 'arn:secret' };

describe('configuration from the environment', () => {
  it('gives the worker documented defaults', () => {
    expect(workerConfig(worker)).toMatchObject({
      hostingerApiUrl: 'https://developers.hostinger.com',
      timeoutMs: 10_000,
      tokenCacheSeconds: 300,
      policy: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 },
      concurrency: 10,
      reserveMs: 2_000,
      maxReceiveCount: 5,
      retryAmbiguous: false,
      catalogChecks: true,
      maxFleetPauseMs: 60_000,
      catalogCacheMs: 600_000,
      reconcile: { clockSkewMs: 2_000, lateMs: 5_000, settleMs: 1_000 },
      neverPendingPaymentKinds: ['paypal'],
    });
  });

  it('reads the payment-method kinds that never leave an order pending: a list, or none', () => {
    expect(workerConfig({ ...worker, NEVER_PENDING_PAYMENT_KINDS: 'paypal, balance' }).neverPendingPaymentKinds).toEqual(['paypal', 'balance']);
    expect(workerConfig({ ...worker, NEVER_PENDING_PAYMENT_KINDS: 'none' }).neverPendingPaymentKinds).toEqual([]);
    expect(() => workerConfig({ ...worker, NEVER_PENDING_PAYMENT_KINDS: 'paypal;card' })).toThrow(/NEVER_PENDING_PAYMENT_KINDS must be payment-method kinds/);
  });

  it('names a missing or malformed variable', () => {
    expect(() => workerConfig({ ...worker, HOSTINGER_TOKEN_SECRET_ID: ' ' })).toThrow('environment variable HOSTINGER_TOKEN_SECRET_ID is required');
    expect(() => workerConfig({ ...worker, HOSTINGER_TIMEOUT_MS: '10s' })).toThrow(/HOSTINGER_TIMEOUT_MS must be a non-negative integer, got "10s"/);
    expect(() => workerConfig({ ...worker, RETRY_AMBIGUOUS_ATTEMPTS: 'maybe' })).toThrow(/RETRY_AMBIGUOUS_ATTEMPTS must be true or false/);
    // Zero attempts or zero concurrency make no sense: refused, not quietly read as 1.
    expect(() => workerConfig({ ...worker, HOSTINGER_MAX_ATTEMPTS: '0' })).toThrow(/HOSTINGER_MAX_ATTEMPTS must be a positive integer, got "0"/);
    expect(() => workerConfig({ ...worker, WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY must be a positive integer/);
    expect(() => intakeConfig({ ORDERS_TABLE: 't', ORDERS_QUEUE_URL: 'q', CATALOG_CHECKS: 'sometimes' })).toThrow(/CATALOG_CHECKS must be on or off/);
  });

  it('needs the token secret at intake only while catalog checks are on', () => {
    expect(intakeConfig({ ORDERS_TABLE: 't', ORDERS_QUEUE_URL: 'q', CATALOG_CHECKS: 'off' })).toEqual({ tableName: 't', queueUrl: 'q', catalogChecks: undefined });
    expect(() => intakeConfig({ ORDERS_TABLE: 't', ORDERS_QUEUE_URL: 'q' })).toThrow(/HOSTINGER_TOKEN_SECRET_ID is required/);
    expect(intakeConfig({ ORDERS_TABLE: 't', ORDERS_QUEUE_URL: 'q', HOSTINGER_TOKEN_SECRET_ID: 's', HOSTINGER_API_URL: 'http://api.test' }).catalogChecks).toMatchObject({
      hostingerApiUrl: 'http://api.test',
      tokenSecretId: 's',
      catalogCacheMs: 600_000,
    });
  });
});
