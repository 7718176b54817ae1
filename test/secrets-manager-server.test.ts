import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecretsManagerServer, startSecretsManagerServer } from '../local/aws/secrets-manager-server.ts';

// Wire-level checks (status, headers, exact bodies) that the SDK hides; SDK behaviour is in local-aws.test.ts.
let server: SecretsManagerServer;

beforeAll(async () => {
  server = await startSecretsManagerServer('eu-west-1');
});

afterAll(() => server.close());

async function call(action: string, body: string | object): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(server.origin, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${action}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

function expectError(result: Awaited<ReturnType<typeof call>>, status: number, type: string): void {
  expect(result.status).toBe(status);
  expect(result.headers.get('x-amzn-errortype')).toBe(type);
  expect(result.json.__type).toBe(type);
}

describe('Secrets Manager server (AWS JSON 1.1)', () => {
  it('answers like AWS: JSON 1.1 content type, token as VersionId, dates as epoch seconds', async () => {
    const token = 'a1b2c3d4-0000-4000-8000-000000000001';
    const created = await call('CreateSecret', { Name: 'wire', SecretString: 's3cret', ClientRequestToken: token });
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(created.json).toEqual({ ARN: expect.stringMatching(/^arn:aws:secretsmanager:eu-west-1:000000000000:secret:wire-[A-Za-z0-9]{6}$/), Name: 'wire', VersionId: token });

    const value = await call('GetSecretValue', { SecretId: 'wire' });
    expect(value.json).toEqual({
      ARN: created.json.ARN,
      Name: 'wire',
      VersionId: token,
      SecretString: 's3cret',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: expect.any(Number),
    });
    expect(Math.abs((value.json.CreatedDate as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('reports a missing secret with the exact AWS error body', async () => {
    const result = await call('GetSecretValue', { SecretId: 'nope' });
    expectError(result, 400, 'ResourceNotFoundException');
    expect(result.json).toEqual({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
  });

  it('rejects unknown operations, malformed bodies and missing members', async () => {
    expectError(await call('RotateEverything', {}), 400, 'UnknownOperationException');
    expectError(await call('GetSecretValue', '{not json'), 400, 'SerializationException');
    expectError(await call('GetSecretValue', {}), 400, 'ValidationException');
  });

  it('treats a retried PutSecretValue (same token) as idempotent, but not with another value', async () => {
    await call('CreateSecret', { Name: 'idempotent', SecretString: 'v1' });
    const put = { SecretId: 'idempotent', SecretString: 'v2', ClientRequestToken: 'a1b2c3d4-0000-4000-8000-000000000002' };
    const first = await call('PutSecretValue', put);
    const retried = await call('PutSecretValue', put);
    expect(retried.json).toEqual(first.json);
    expectError(await call('PutSecretValue', { ...put, SecretString: 'v3' }), 400, 'ResourceExistsException');
  });

  it('keeps SecretBinary as base64', async () => {
    const SecretBinary = Buffer.from([0, 1, 2, 255]).toString('base64');
    await call('CreateSecret', { Name: 'binary', SecretBinary });
    const { json } = await call('GetSecretValue', { SecretId: 'binary' });
    expect(json.SecretBinary).toBe(SecretBinary);
    expect(json).not.toHaveProperty('SecretString');
  });

  it('schedules deletion by default: the secret is unusable but still described', async () => {
    await call('CreateSecret', { Name: 'scheduled', SecretString: 'x' });
    const deleted = await call('DeleteSecret', { SecretId: 'scheduled', RecoveryWindowInDays: 7 });
    expect(deleted.json.DeletionDate).toBeGreaterThan(Date.now() / 1000 + 6 * 86_400);

    expectError(await call('GetSecretValue', { SecretId: 'scheduled' }), 400, 'InvalidRequestException');
    expectError(await call('CreateSecret', { Name: 'scheduled', SecretString: 'y' }), 400, 'InvalidRequestException');
    expect((await call('DescribeSecret', { SecretId: 'scheduled' })).json.DeletedDate).toEqual(expect.any(Number));
    expectError(await call('DeleteSecret', { SecretId: 'scheduled', RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true }), 400, 'InvalidParameterException');
  });

  it('lists secrets in the AWS wire shape: SecretList entries with epoch-second dates and SecretVersionsToStages, no values', async () => {
    const created = await call('CreateSecret', { Name: 'listed/wire', SecretString: 'never-listed', ClientRequestToken: 'a1b2c3d4-0000-4000-8000-000000000009' });
    const listed = await call('ListSecrets', { Filters: [{ Key: 'name', Values: ['listed/'] }] });
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({
      SecretList: [
        {
          ARN: created.json.ARN,
          Name: 'listed/wire',
          CreatedDate: expect.any(Number),
          LastChangedDate: expect.any(Number),
          SecretVersionsToStages: { 'a1b2c3d4-0000-4000-8000-000000000009': ['AWSCURRENT'] },
        },
      ],
    });
    expect(JSON.stringify(listed.json)).not.toContain('never-listed');
    expectError(await call('ListSecrets', { MaxResults: 101 }), 400, 'ValidationException');
    expectError(await call('ListSecrets', { Filters: [{ Key: 'colour', Values: ['x'] }] }), 400, 'ValidationException');
  });

  it('fails every call with 503 ServiceUnavailable while unavailable', async () => {
    server.setUnavailable(true);
    try {
      expectError(await call('GetSecretValue', { SecretId: 'wire' }), 503, 'ServiceUnavailable');
      expectError(await call('CreateSecret', { Name: 'during-outage', SecretString: 'x' }), 503, 'ServiceUnavailable');
    } finally {
      server.setUnavailable(false);
    }
    expect((await call('GetSecretValue', { SecretId: 'wire' })).status).toBe(200);
    expectError(await call('GetSecretValue', { SecretId: 'during-outage' }), 400, 'ResourceNotFoundException');
  });
});
