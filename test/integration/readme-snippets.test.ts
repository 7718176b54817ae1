import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { ListQueuesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * The snippets the docs mark `<!-- tested by test/integration/readme-snippets.test.ts: <name> -->`, run as
 * written against a local stack: the AWS CLI ones with every AWS CLI found here (v1 and v2 when both are),
 * with no AWS configuration but what the snippet gives; the SDK one with tsx.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

function snippet(file: string, name: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const marker = `<!-- tested by test/integration/readme-snippets.test.ts: ${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${file} has no snippet marked ${name}`);
  const block = /```\w*\n([\s\S]*?)```/.exec(text.slice(at));
  if (!block?.[1]) throw new Error(`${file}: no code block after the ${name} marker`);
  return block[1];
}

/** Shell lines as commands: continuations joined, comments dropped. */
const shellCommands = (block: string) =>
  block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

/** Every AWS CLI on this machine, one per major version: 'aws' on PATH and the usual system places. */
function awsClis(): [major: string, path: string][] {
  const candidates = ['/usr/bin/aws', '/usr/local/bin/aws'];
  try {
    candidates.unshift(...execFileSync('which', ['-a', 'aws'], { encoding: 'utf8' }).split('\n').filter(Boolean));
  } catch {
    // none on PATH
  }
  const found = new Map<string, string>();
  for (const path of new Set(candidates)) {
    try {
      const version = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
      const major = /aws-cli\/(\d+)\./.exec(version)?.[1];
      if (major && !found.has(major)) found.set(major, path);
    } catch {
      // not there, or not working
    }
  }
  return [...found];
}
const CLIS = awsClis();
if (CLIS.length === 0) console.warn('readme-snippets: no AWS CLI installed (apt-get install awscli): the AWS CLI snippets are skipped');

let t: TestStack;
let substitute: (text: string) => string;
beforeAll(async () => {
  t = await startTestStack();
  const sandbox = t.stack.resources.hostingerApiUrl;
  substitute = (text) =>
    text.replaceAll('http://127.0.0.1:4566', t.stack.resources.awsEndpoint).replaceAll('http://127.0.0.1:3000', t.stack.apiUrl).replaceAll('http://127.0.0.1:34153', sandbox);
});
afterAll(async () => {
  await t?.stop();
});

/** Runs shell text with the given AWS CLI first on PATH and no AWS configuration files or variables. */
async function shell(script: string, cli: string) {
  const bin = join(ROOT, 'node_modules', '.cache', 'readme-snippets', 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'aws'), `#!/bin/sh\nexec ${cli} "$@"\n`, { mode: 0o755 });
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: process.env.HOME,
    ...(process.env.PYENV_ROOT ? { PYENV_ROOT: process.env.PYENV_ROOT } : {}),
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const { stdout } = await run('bash', ['-c', `set -euo pipefail\n${script}`], { env, timeout: 60_000 });
  return stdout;
}

describe.skipIf(CLIS.length === 0).each(CLIS)('the README with AWS CLI v%s (%s)', (_major, path) => {
  it('sends an order to the queue, reads where it stands, lists the queues and secrets, gets the ledger item', async () => {
    const lines = shellCommands(snippet('README.md', 'aws-cli')).map((line) => substitute(line));
    const exports = lines.filter((line) => line.startsWith('export '));
    const outputs = new Map<string, string>();
    for (const command of lines.filter((line) => !line.startsWith('export '))) {
      const stdout = await shell([...exports, command].join('\n'), path);
      const kind = ['send-message', 'curl', 'list-queues', 'list-secrets', 'get-item'].find((word) => command.includes(word)) ?? command;
      outputs.set(kind, stdout);
      // The worker finishes the order before it is looked at, as it does while a user types the next command.
      if (kind === 'send-message') await t.waitForOutcome('my-order-1');
    }
    expect([...outputs.keys()]).toEqual(['send-message', 'curl', 'list-queues', 'list-secrets', 'get-item']);
    expect(JSON.parse(outputs.get('send-message') ?? '')).toHaveProperty('MessageId');
    expect(JSON.parse(outputs.get('curl') ?? '')).toMatchObject({ requestId: 'my-order-1', status: 'succeeded' });
    expect(JSON.parse(outputs.get('list-queues') ?? '').QueueUrls).toEqual(expect.arrayContaining([t.stack.resources.queueUrl, t.stack.resources.deadLetterQueueUrl]));
    expect(JSON.parse(outputs.get('list-secrets') ?? '').SecretList).toEqual([
      expect.objectContaining({ Name: 'hostinger-orders/hostinger-api-token', ARN: t.stack.resources.secretId }),
    ]);
    const { Item } = JSON.parse(outputs.get('get-item') ?? '') as { Item: Record<string, { S?: string }> };
    expect(Item).toMatchObject({ pk: { S: 'my-order-1' }, requestId: { S: 'my-order-1' }, status: { S: 'succeeded' }, source: { S: 'queue' } });
    // Each AWS CLI command starts a Python interpreter: seconds each on a busy machine.
  }, 120_000);

  it('reads the sandbox token from the secret and calls the sandbox with curl (docs/sandbox.md)', async () => {
    const stdout = await shell(substitute(snippet('docs/sandbox.md', 'sandbox-curl')), path);
    const [catalog, paymentMethods] = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: unknown }[]);
    expect(catalog?.length).toBeGreaterThan(0);
    expect(paymentMethods?.map((method) => method.id)).toContain(1327362);
  }, 60_000);
});

describe('the same calls through the AWS SDK v3 clients', () => {
  it('send a message, list queues and secrets, and get the ledger item by its request id', async () => {
    const { sqs, dynamodb, secrets } = t.stack.clients;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: t.stack.resources.queueUrl,
        MessageBody: JSON.stringify({ requestId: 'my-order-2', items: [{ item_id: 'hostingercom-domain-com-usd-1y' }] }),
      }),
    );
    await t.waitForOutcome('my-order-2');
    expect((await sqs.send(new ListQueuesCommand({}))).QueueUrls).toContain(t.stack.resources.queueUrl);
    expect((await secrets.send(new ListSecretsCommand({}))).SecretList?.map((secret) => secret.Name)).toContain('hostinger-orders/hostinger-api-token');
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: t.stack.resources.tableName, Key: { pk: { S: 'my-order-2' } } }));
    expect(Item?.status?.S).toBe('succeeded');
  });
});

describe('docs/sandbox.md with the official hostinger-api-sdk', () => {
  it('lists the catalog and places an order on the sandbox with its token', async () => {
    const dir = join(ROOT, 'node_modules', '.cache', 'readme-snippets');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'sandbox-order.mts');
    writeFileSync(file, snippet('docs/sandbox.md', 'hostinger-api-sdk'));
    const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), file], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SANDBOX_URL: t.stack.resources.hostingerApiUrl, SANDBOX_TOKEN: t.stack.sandboxToken },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/^\d+ catalog items, e\.g\. hostingercom-[\w-]+$/m);
    expect(stdout).toMatch(/^order \d+: completed$/m);
  });
});
