import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KindFacts } from '../catalog/purchase-precheck.ts';
import { type BillingReader, type CatalogPrice, HostingerReadError, type PaymentMethod } from '../hostinger/billing-reader.ts';
import type { Purchase } from '../order/kinds/purchase.ts';
import { DEFAULT_HOSTINGER_API_URL } from '../platform/config.ts';
import { type CliContext, errorMessage, UserError } from './context.ts';
import { contentHash } from './file-batch.ts';
import { readKindFacts } from './kind-facts.ts';
import { deployedClientSettings, localClientSettings, type Target } from './targets.ts';

export interface ApiFlags {
  apiUrl?: string;
  tokenSecret?: string;
}

/**
 * The Hostinger API a dry run reads, and its token: `--api-url` or HOSTINGER_API_URL, else (locally) the one
 * a running `npm start` recorded in .hostinger-orders/local.json (found with the stack's endpoint); the token from HOSTINGER_API_TOKEN, else
 * from Secrets Manager (locally the stack's token secret, deployed `--token-secret` or HOSTINGER_TOKEN_SECRET_ID).
 */
export async function resolveHostingerApi(ctx: CliContext, target: Target, flags: ApiFlags): Promise<{ apiUrl: string; token: string }> {
  const apiUrl = flags.apiUrl ?? ctx.env.HOSTINGER_API_URL ?? (target.kind === 'aws' ? DEFAULT_HOSTINGER_API_URL : target.local.hostingerApiUrl);
  if (!apiUrl) {
    throw new UserError(
      'checking orders against the catalog reads the Hostinger API: start the local stack (npm start) in this folder, pass --api-url, or set HOSTINGER_API_URL (submit --no-catalog-check sends without the check)',
      2,
    );
  }
  if (!/^https?:\/\//.test(apiUrl)) throw new UserError(`--api-url must be an http(s) URL, got "${apiUrl}"`, 2);
  const envToken = ctx.env.HOSTINGER_API_TOKEN?.trim();
  if (envToken) return { apiUrl, token: envToken };

  const secretId = target.kind === 'local' ? target.local.secretId : (flags.tokenSecret ?? ctx.env.HOSTINGER_TOKEN_SECRET_ID);
  if (!secretId)
    throw new UserError(
      'the Hostinger token, to check orders against the catalog: set HOSTINGER_API_TOKEN, or pass --token-secret with the name or ARN of the secret holding it (submit --no-catalog-check sends without the check)',
      2,
    );
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(target.kind === 'local' ? localClientSettings(target.local) : deployedClientSettings(ctx.env, secretId));
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!SecretString) throw new Error('the secret has no string value');
    return { apiUrl, token: SecretString.trim() };
  } catch (error) {
    const where = target.kind === 'local' ? ` from the local stack at ${target.local.awsEndpoint} (is npm start running?)` : '';
    throw new UserError(`could not read the Hostinger token from secret ${secretId}${where}: ${errorMessage(error)}`);
  } finally {
    client.destroy();
  }
}

interface CachedCatalog {
  apiUrl: string;
  fetchedAt: number;
  prices: CatalogPrice[];
}

/**
 * The catalog, cached on disk per API URL for `ttlSeconds` (it changes rarely and is the same for every
 * line). Payment methods are never cached: an expiry or a suspension must show at once.
 */
export async function readCatalog(
  reader: Pick<BillingReader, 'catalogPrices'>,
  options: { apiUrl: string; token: string; stateDir: string; ttlSeconds: number; refresh: boolean; now: () => number },
): Promise<{ prices: CatalogPrice[]; cachedAt?: number }> {
  const path = join(options.stateDir, 'cache', `catalog-${contentHash(options.apiUrl).slice(0, 12)}.json`);
  if (!options.refresh && options.ttlSeconds > 0) {
    try {
      const cached = JSON.parse(readFileSync(path, 'utf8')) as CachedCatalog;
      const age = options.now() - cached.fetchedAt;
      if (cached.apiUrl === options.apiUrl && age >= 0 && age < options.ttlSeconds * 1000 && Array.isArray(cached.prices))
        return { prices: cached.prices, cachedAt: cached.fetchedAt };
    } catch {
      // No cache, or an unreadable one: read the API.
    }
  }
  const prices = await reader.catalogPrices(options.token);
  try {
    mkdirSync(join(options.stateDir, 'cache'), { recursive: true });
    writeFileSync(`${path}.tmp`, JSON.stringify({ apiUrl: options.apiUrl, fetchedAt: options.now(), prices } satisfies CachedCatalog));
    renameSync(`${path}.tmp`, path);
  } catch {
    // A cache that cannot be written only costs a request next time.
  }
  return { prices };
}

export interface AccountFacts {
  apiUrl: string;
  prices: CatalogPrice[];
  /** When the prices come from the cache: when they were read. */
  cachedAt?: number;
  paymentMethods: PaymentMethod[];
  /** What the VPS, domain and renewal purchases given need besides (see readKindFacts). */
  kinds: KindFacts;
}

/** The catalog (cached) and the payment methods (never cached) that orders are checked against, before a dry run or a send. */
export async function readAccountFacts(
  ctx: CliContext,
  target: Target,
  options: ApiFlags & { stateDir: string; refreshCatalog: boolean; purchases?: Purchase[] },
): Promise<AccountFacts> {
  const { apiUrl, token } = await resolveHostingerApi(ctx, target, options);
  const { createBillingReader } = await import('../hostinger/billing-reads.ts');
  const reader = createBillingReader({ baseUrl: apiUrl, timeoutMs: 10_000 });
  const ttl = Number(ctx.env.CATALOG_CACHE_SECONDS ?? 600);
  try {
    const { createProvisioningReader } = await import('../hostinger/provisioning-reads.ts');
    const provisioning = createProvisioningReader({ baseUrl: apiUrl, timeoutMs: 10_000 });
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const [catalog, paymentMethods, kinds] = await Promise.all([
      readCatalog(reader, { apiUrl, token, stateDir: options.stateDir, ttlSeconds: Number.isFinite(ttl) ? ttl : 600, refresh: options.refreshCatalog, now: ctx.now }),
      reader.paymentMethods(token),
      readKindFacts({ billing: reader, provisioning }, token, options.purchases ?? [], { sleep }),
    ]);
    return { apiUrl, prices: catalog.prices, ...(catalog.cachedAt !== undefined ? { cachedAt: catalog.cachedAt } : {}), paymentMethods, kinds };
  } catch (error) {
    const why = error instanceof HostingerReadError ? error.message : `${errorMessage(error)} (is the API reachable?)`;
    throw new UserError(`could not read the catalog, payment methods and account from ${apiUrl}: ${why}`);
  }
}

function ago(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}

/** `12 catalog prices (cached 3 s ago; --refresh-catalog to read again), 4 payment methods` */
export function describeFacts(facts: AccountFacts, now: number): string {
  const cached = facts.cachedAt !== undefined ? ` (cached ${ago(now - facts.cachedAt)}; --refresh-catalog to read again)` : '';
  return `${facts.prices.length} catalog prices${cached}, ${facts.paymentMethods.length} payment methods`;
}
