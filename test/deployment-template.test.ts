import { describe, expect, it } from 'vitest';
import { APPROVAL_INDEX } from '../lib/ledger/dynamodb-approval-ledger.ts';
import { LEDGER_TABLE } from '../lib/ledger/dynamodb-table.ts';
import { DEFAULT_HOSTINGER_API_URL } from '../lib/platform/config.ts';
import { ledgerTableOf, readDeploymentTemplate, readServerlessYml, workerSettingsOf } from '../local/deployment-template.ts';
import { DEFAULT_WORKER_SETTINGS } from '../local/stack.ts';

/** Facts the code and serverless.yml share, held together without packaging (template.test.ts packages). */
const template = readDeploymentTemplate();

describe('serverless.yml and the code', () => {
  it('agree on the default Hostinger API', () => {
    expect(template.params.default.hostingerApiUrl).toBe(DEFAULT_HOSTINGER_API_URL);
  });

  it('give the local stack the deployed worker settings', () => {
    const params = template.params.default;
    expect(DEFAULT_WORKER_SETTINGS).toEqual({
      batchSize: params.workerBatchSize,
      concurrency: params.workerMaximumConcurrency,
      functionTimeoutSeconds: params.workerTimeoutSeconds,
      visibilityTimeoutSeconds: params.queueVisibilityTimeoutSeconds,
      maxReceiveCount: params.maxReceiveCount,
    });
    expect(() => workerSettingsOf({ ...template, params: { default: { ...params, workerBatchSize: 'ten' } } })).toThrow(/workerBatchSize must be an integer/);
  });

  it('deploy the worker without a batching window, which the local event source (and so the bench) does not have', () => {
    const { functions } = readServerlessYml<{ functions: { orderWorker: { events: { sqs?: { maximumBatchingWindow?: number } }[] } } }>();
    expect(functions.orderWorker.events.flatMap((event) => (event.sqs ? [event.sqs.maximumBatchingWindow] : []))).toEqual([0]);
  });

  it('give the local stack the deployed ledger table, laid out as the ledger code expects', () => {
    const table = ledgerTableOf(template);
    expect(table.KeySchema).toEqual([{ AttributeName: LEDGER_TABLE.partitionKey, KeyType: 'HASH' }]);
    expect(table.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      [LEDGER_TABLE.subscriptionIndex, LEDGER_TABLE.unsettledIndex, LEDGER_TABLE.unqueuedIndex, APPROVAL_INDEX.name, LEDGER_TABLE.followUpIndex].sort(),
    );
    // Every attribute a key names is defined, and no other (CreateTable refuses both).
    const keyed = new Set([...(table.KeySchema ?? []), ...(table.GlobalSecondaryIndexes ?? []).flatMap((index) => index.KeySchema ?? [])].map((key) => key.AttributeName));
    expect(new Set(table.AttributeDefinitions?.map((attribute) => attribute.AttributeName))).toEqual(keyed);
  });
});
