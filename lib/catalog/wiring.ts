import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { BillingReader } from '../hostinger/billing-reader.ts';
import { createBillingReader } from '../hostinger/billing-reads.ts';
import { createSecretsManagerTokenSource } from '../hostinger/secrets-manager-token-source.ts';
import type { TokenSource } from '../hostinger/token-source.ts';
import { awsClientOptions } from '../platform/aws-client-options.ts';
import type { HostingerAccessConfig } from '../platform/config.ts';
import { type CatalogCache, createCatalogCache } from './catalog-cache.ts';

/** The token, the billing reads and the cached catalog, shared by catalog checks and reconciliation. */
export interface HostingerReads {
  token: TokenSource;
  billing: BillingReader;
  catalog: CatalogCache;
}

/**
 * What a function reads from Hostinger besides placing orders: the token (Secrets Manager), the billing API,
 * and the catalog cached over it. Catalog checks and reconciliation share them.
 */
export function createHostingerReads(config: HostingerAccessConfig & { catalogCacheMs: number }): HostingerReads {
  const token = createSecretsManagerTokenSource({
    client: new SecretsManagerClient(awsClientOptions),
    secretId: config.tokenSecretId,
    cacheSeconds: config.tokenCacheSeconds,
  });
  const billing = createBillingReader({ baseUrl: config.hostingerApiUrl, timeoutMs: config.timeoutMs });
  return { token, billing, catalog: createCatalogCache({ billing, token, cacheMs: config.catalogCacheMs }) };
}
