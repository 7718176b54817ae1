import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type TokenSource, TokenUnavailableError } from './token-source.ts';

/**
 * Reads the token from Secrets Manager through Powertools, which caches it per container for `cacheSeconds`.
 * The secret's value is the token itself. Errors never carry the value, only the secret's id.
 * Concurrent callers share one read in flight: Powertools caches only finished reads, so the ten messages
 * of a cold container's first batch would otherwise read the secret ten times.
 */
export function createSecretsManagerTokenSource(options: { client: SecretsManagerClient; secretId: string; cacheSeconds: number }): TokenSource {
  const provider = new SecretsProvider({ awsSdkV3Client: options.client });
  let inFlight: { fresh: boolean; read: Promise<string> } | undefined;
  const read = async (fresh: boolean): Promise<string> => {
    let value: unknown;
    try {
      value = await provider.get(options.secretId, { maxAge: options.cacheSeconds, forceFetch: fresh });
    } catch (error) {
      const cause = error instanceof Error ? (error.cause instanceof Error ? error.cause.name : error.name) : 'unknown error';
      throw new TokenUnavailableError(`cannot read the Hostinger token from secret ${options.secretId} (${cause})`);
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TokenUnavailableError(`secret ${options.secretId} holds no Hostinger token (it must be a non-empty string)`);
    }
    return value.trim();
  };
  return ({ fresh = false } = {}) => {
    // A fresh read (after a 401) must not reuse a read that may return the cached, rejected token.
    if (inFlight && (inFlight.fresh || !fresh)) return inFlight.read;
    const current = { fresh, read: read(fresh).finally(() => void (inFlight === current && (inFlight = undefined))) };
    inFlight = current;
    return current.read;
  };
}
