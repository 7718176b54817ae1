import { relative } from 'node:path';
import { type CliContext, type Env, type LocalEndpoints, usageError, writeLine } from './context.ts';
import { findRunningStack, LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION, RESOURCE_NAMES as LOCAL_RESOURCE_NAMES } from './local-resources.ts';

/** Where commands go: the local stack (`npm start`, the default) or deployed AWS resources. */

/**
 * The local stack a command talks to: the one a running `npm start` recorded in .hostinger-orders/local.json
 * of the current folder, whose ports may not be the defaults; without a record,
 * http://127.0.0.1:$LOCAL_AWS_PORT (4566). `overrides` (tests) win.
 */
export function localEndpoints(env: Env, cwd: string, overrides: Partial<LocalEndpoints> = {}): LocalEndpoints {
  const running = overrides.awsEndpoint === undefined ? findRunningStack(cwd) : undefined;
  const fallback = `http://127.0.0.1:${env.LOCAL_AWS_PORT || '4566'}`;
  const awsEndpoint = overrides.awsEndpoint ?? running?.stack.awsEndpoint ?? fallback;
  const region = overrides.region ?? LOCAL_REGION;
  const source = running
    ? `recorded by npm start in ${relative(cwd, running.file) || running.file}`
    : overrides.awsEndpoint !== undefined
      ? 'given'
      : `no running npm start recorded in ./.hostinger-orders/local.json; ${env.LOCAL_AWS_PORT ? 'LOCAL_AWS_PORT' : 'the default port'}`;
  return {
    awsEndpoint,
    region,
    queueUrl: `${awsEndpoint}/${LOCAL_ACCOUNT}/${LOCAL_RESOURCE_NAMES.queue}`,
    deadLetterQueueUrl: `${awsEndpoint}/${LOCAL_ACCOUNT}/${LOCAL_RESOURCE_NAMES.deadLetterQueue}`,
    topicArn: `arn:aws:sns:${region}:${LOCAL_ACCOUNT}:${LOCAL_RESOURCE_NAMES.topic}`,
    tableName: LOCAL_RESOURCE_NAMES.table,
    secretId: LOCAL_RESOURCE_NAMES.secret,
    ...(running ? { hostingerApiUrl: running.stack.hostingerApiUrl } : {}),
    source,
    ...overrides,
  };
}

/** One line on stderr saying which local stack a command talks to (a second stack on 4566 must not get the orders unnoticed). */
export function announceTarget(ctx: CliContext, target: Target): void {
  if (target.kind === 'local') writeLine(ctx.stderr, `local stack: ${target.local.awsEndpoint} (${target.local.source ?? 'given'})`);
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
  if (value === undefined || value === 'local') return { kind: 'local', local: localEndpoints(ctx.env, ctx.cwd, ctx.local) };
  if (value === 'aws' || /^https?:\/\//.test(value)) return { kind: 'aws' };
  throw usageError(`--target must be "local", "aws" or a queue URL, got "${value}"`);
}

/** The AWS SDK reads AWS_ENDPOINT_URL; a deployed target must not inherit a local endpoint from the shell. */
export function warnAboutEndpointOverride(ctx: CliContext): void {
  if (ctx.env.AWS_ENDPOINT_URL) ctx.stderr.write(`note: AWS_ENDPOINT_URL is set (${ctx.env.AWS_ENDPOINT_URL}); the AWS SDK sends every call there\n`);
}
