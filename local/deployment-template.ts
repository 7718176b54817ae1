import { readFileSync } from 'node:fs';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';

/**
 * What the local stack builds as serverless.yml deploys it, read from that file so the two cannot drift: the
 * ledger table's layout, and the worker's event source and function settings (the parameters' defaults).
 * CloudFormation tags (!Ref, !Sub...) are left unresolved: none of what is read here uses them.
 */
interface Template {
  params: { default: Record<string, unknown> };
  resources: {
    Resources: { OrdersTable: { Properties: Required<Pick<CreateTableCommandInput, 'BillingMode' | 'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes'>> } };
  };
}

const SERVERLESS_YML = new URL('../serverless.yml', import.meta.url);

/** serverless.yml as data, CloudFormation tags unresolved: each reader types the part it reads. */
export const readServerlessYml = <T>(file: URL | string = SERVERLESS_YML): T => parse(readFileSync(file, 'utf8'), { logLevel: 'error' }) as T;

export const readDeploymentTemplate = (file?: URL | string): Template => readServerlessYml<Template>(file);

/** The worker's event source mapping and function settings. */
export interface WorkerSettings {
  batchSize: number;
  concurrency: number;
  functionTimeoutSeconds: number;
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

export function workerSettingsOf(template: Template): WorkerSettings {
  const param = (name: string): number => {
    const value = template.params.default[name];
    if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`serverless.yml: params.default.${name} must be an integer, got ${JSON.stringify(value)}`);
    return value;
  };
  return {
    batchSize: param('workerBatchSize'),
    concurrency: param('workerMaximumConcurrency'),
    functionTimeoutSeconds: param('workerTimeoutSeconds'),
    visibilityTimeoutSeconds: param('queueVisibilityTimeoutSeconds'),
    maxReceiveCount: param('maxReceiveCount'),
  };
}

/** The ledger table's keys and indexes, as CreateTable takes them. */
export function ledgerTableOf(template: Template): Pick<CreateTableCommandInput, 'BillingMode' | 'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes'> {
  const { BillingMode, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } = template.resources.Resources.OrdersTable.Properties;
  return { BillingMode, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes };
}
