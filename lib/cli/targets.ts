import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, RESOURCE_NAMES as LOCAL_RESOURCE_NAMES } from './local-resources.ts';
import { usageError, type CliContext, type Env, type LocalEndpoints } from './context.ts';

/** Where commands go: the local stack (`npm start`, the default) or deployed AWS resources. */

export function localEndpoints(env: Env, overrides: Partial<LocalEndpoints> = {}): LocalEndpoints {
  const awsEndpoint = overrides.awsEndpoint ?? `http://127.0.0.1:${env.LOCAL_AWS_PORT || '4566'}`;
  const region = overrides.region ?? LOCAL_REGION;
  return {
    awsEndpoint,
    region,
    queueUrl: `${awsEndpoint}/${LOCAL_ACCOUNT}/${LOCAL_RESOURCE_NAMES.queue}`,
    deadLetterQueueUrl: `${awsEndpoint}/${LOCAL_ACCOUNT}/${LOCAL_RESOURCE_NAMES.deadLetterQueue}`,
    topicArn: `arn:aws:sns:${region}:${LOCAL_ACCOUNT}:${LOCAL_RESOURCE_NAMES.topic}`,
    tableName: LOCAL_RESOURCE_NAMES.table,
    secretId: LOCAL_RESOURCE_NAMES.secret,
    ...overrides,
  };
}

/** SDK client settings: the local endpoint with dummy credentials, or the default AWS chain (region from the resource when it names one). */
export type ClientSettings = { endpoint?: string; region?: string; credentials?: typeof LOCAL_CREDENTIALS };

export const localClientSettings = (local: LocalEndpoints): ClientSettings => ({ endpoint: local.awsEndpoint, region: local.region, credentials: LOCAL_CREDENTIALS });

/** `https://sqs.eu-west-1.amazonaws.com/123456789012/orders` → eu-west-1; `arn:aws:sns:eu-west-1:…` → eu-west-1. */
export function regionOf(resource: string): string | undefined {
  return /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//.exec(resource)?.[1] ?? /^arn:aws[a-z-]*:[a-z]+:([a-z0-9-]+):/.exec(resource)?.[1];
}

export function deployedClientSettings(env: Env, resource?: string): ClientSettings {
  // The resource's own region wins: a queue or topic only answers in its region.
  const region = (resource && regionOf(resource)) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  return region ? { region } : {};
}

export type Target = { kind: 'local'; local: LocalEndpoints } | { kind: 'aws' };

/** `--target local` (default) or `--target aws`; a queue URL also means aws (for submit). */
export function parseTarget(ctx: CliContext, value: string | undefined): Target {
  if (value === undefined || value === 'local') return { kind: 'local', local: localEndpoints(ctx.env, ctx.local) };
  if (value === 'aws' || /^https?:\/\//.test(value)) return { kind: 'aws' };
  throw usageError(`--target must be "local", "aws" or a queue URL, got "${value}"`);
}

/** The AWS SDK reads AWS_ENDPOINT_URL; a deployed target must not inherit a local endpoint from the shell. */
export function warnAboutEndpointOverride(ctx: CliContext): void {
  if (ctx.env.AWS_ENDPOINT_URL) ctx.stderr.write(`note: AWS_ENDPOINT_URL is set (${ctx.env.AWS_ENDPOINT_URL}); the AWS SDK sends every call there\n`);
}
