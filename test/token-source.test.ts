import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretsManagerTokenSource } from '../lib/hostinger/secrets-manager-token-source.ts';
import { type LocalAws, startLocalAws } from '../local/aws/index.ts';

/** The token source against the local Secrets Manager, through the real SDK client. */
let aws: LocalAws;
let client: SecretsManagerClient;
const reads = () => aws.calls()['secretsmanager.GetSecretValue'] ?? 0;

beforeAll(async () => {
  aws = await startLocalAws();
  client = new SecretsManagerClient({ endpoint: aws.endpoint, region: aws.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await client.send(new CreateSecretCommand({ Name: 'token', SecretString: 'first-token' }));
});
afterAll(async () => {
  client?.destroy();
  await aws?.close();
});

describe('the token source', () => {
  it('reads the secret once for many concurrent callers, then serves the cache', async () => {
    aws.resetCalls();
    const token = createSecretsManagerTokenSource({ client, secretId: 'token', cacheSeconds: 300 });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => token()));
    expect(new Set(tokens)).toEqual(new Set(['first-token']));
    await token();
    expect(reads()).toBe(1);
  });

  it('reads afresh when asked (after a 401), and sees a rotated value', async () => {
    const token = createSecretsManagerTokenSource({ client, secretId: 'token', cacheSeconds: 300 });
    await token();
    await client.send(new PutSecretValueCommand({ SecretId: 'token', SecretString: 'rotated-token' }));
    expect(await token()).toBe('first-token');
    aws.resetCalls();
    expect(await token({ fresh: true })).toBe('rotated-token');
    expect(reads()).toBe(1);
  });

  it('says which secret failed, never what it holds', async () => {
    const token = createSecretsManagerTokenSource({ client, secretId: 'no-such-secret', cacheSeconds: 300 });
    await expect(token()).rejects.toThrow(/cannot read the Hostinger token from secret no-such-secret/);
  });
});
