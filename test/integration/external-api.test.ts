import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HostingerSandbox, startHostingerSandbox } from '../../local/sandbox/server.ts';
import { localStackOptionsFromEnv } from '../../local/stack-env.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/** HOSTINGER_API_URL + HOSTINGER_API_TOKEN point the stack at another Hostinger-compatible API. */
let external: HostingerSandbox;
let t: TestStack;

beforeAll(async () => {
  // A separate API process stands in for "not the built-in sandbox": the stack only knows its URL and token.
  external = await startHostingerSandbox({ token: 'external-api-token' });
  const env: Record<string, string | undefined> = { HOSTINGER_API_URL: external.url, HOSTINGER_API_TOKEN: 'external-api-token' };
  const options = localStackOptionsFromEnv(env);
  expect(env.HOSTINGER_API_TOKEN).toBeUndefined();
  t = await startTestStack({ hostinger: options.hostinger, functionEnv: { CATALOG_CHECKS: 'off' } });
});
afterAll(async () => {
  await t?.stop();
  await external?.close();
});

describe('against an external Hostinger-compatible API', () => {
  it('runs no sandbox, stores the token in the local Secrets Manager, and buys from that API', async () => {
    expect(t.stack.sandbox).toBeUndefined();
    const secret = await t.stack.clients.secrets.send(new GetSecretValueCommand({ SecretId: t.stack.resources.secretId }));
    expect(secret.SecretString).toBe('external-api-token');
    expect(process.env.HOSTINGER_API_URL).toBe(external.url);

    const { json } = await t.postOrder({ items: [{ item_id: 'hostingercom-vps-kvm1-usd-12m' }] });
    await expect(t.waitForOutcome(json.requestId as string)).resolves.toMatchObject({ type: 'order.succeeded' });
    expect(external.orders()).toHaveLength(1);
  });

  it('with CATALOG_CHECKS=off an unknown item goes to the API, which answers 422', async () => {
    const { status, json } = await t.postOrder({ items: [{ item_id: 'hostingercom-vps-kvm9-usd-1m' }] });
    expect(status).toBe(202);
    await expect(t.waitForOutcome(json.requestId as string)).resolves.toMatchObject({ type: 'order.rejected', attempts: 1, error: { httpStatus: 422 } });
  });
});

describe('localStackOptionsFromEnv', () => {
  it('refuses a URL without a token and a token without a URL', () => {
    expect(() => localStackOptionsFromEnv({ HOSTINGER_API_URL: 'https://example.test' })).toThrow(/HOSTINGER_API_TOKEN/);
    expect(() => localStackOptionsFromEnv({ HOSTINGER_API_TOKEN: 't' })).toThrow(/HOSTINGER_API_URL/);
  });

  it('reads ports with defaults and refuses nonsense', () => {
    expect(localStackOptionsFromEnv({})).toMatchObject({ apiPort: 3000, awsPort: 4566, sandboxPort: 0, sandboxLatencyMs: 100, hostinger: undefined });
    expect(localStackOptionsFromEnv({ PORT: '8080' }).apiPort).toBe(8080);
    expect(() => localStackOptionsFromEnv({ PORT: 'eighty' })).toThrow(/PORT/);
  });
});
