import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm start` and `npm run demo` as a user runs them: the real scripts in a child process, judged by what they
 * print and how they exit. Each runs in a fresh directory, so the stack's record of itself (.hostinger-orders/)
 * never meets another stack's.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/tsx/dist/cli.mjs');
const READY_LINE = /^Order API: http:\/\/127\.0\.0\.1:(\d+)$/m;

interface Run {
  output: () => string;
  /** The exit code once the process has ended, else undefined. */
  exitCode: () => number | null | undefined;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Runs a script of local/ with only the given variables (and PATH, HOME) set. */
function runScript(script: string, env: Record<string, string>): Run {
  const child = spawn(process.execPath, [TSX, join(ROOT, 'local', script)], {
    cwd: mkdtempSync(join(tmpdir(), 'hostinger-orders-start-')),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  return {
    output: () => output,
    exitCode: () => exitCode,
    exited,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitFor(run: Run, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  const started = Date.now();
  for (;;) {
    const match = run.output().match(pattern);
    if (match) return match;
    if (run.exitCode() !== undefined) throw new Error(`exited (${run.exitCode()}) before printing ${pattern}; output:\n${run.output()}`);
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${pattern}; output so far:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Holds 127.0.0.1:port as another program would; a port already busy (another stack) is busy all the same. */
async function occupy(port: number): Promise<{ port: number; release(): Promise<void> }> {
  const server: Server = createServer();
  const held = await new Promise<boolean>((done) => {
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => done(true));
  });
  const actual = held ? (server.address() as { port: number }).port : port;
  return { port: actual, release: () => (held ? new Promise((done) => server.close(() => done())) : Promise.resolve()) };
}

const held: { release(): Promise<void> }[] = [];
const runs: Run[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.stop()));
  await Promise.all(held.splice(0).map((port) => port.release()));
});
const hold = async (port: number) => {
  const occupied = await occupy(port);
  held.push(occupied);
  return occupied.port;
};
const start = (env: Record<string, string>) => {
  const run = runScript('start.ts', env);
  runs.push(run);
  return run;
};

describe('npm start with its ports taken', { timeout: 120_000 }, () => {
  it('takes free ports when the default ones (3000, 4566) are busy, says so and which variable chooses them, and runs', async () => {
    await hold(3000);
    await hold(4566);
    const run = start({});
    const [, apiPort] = await waitFor(run, READY_LINE);
    expect(Number(apiPort)).not.toBe(3000);
    expect(run.output()).toContain('port 3000 is in use: the Order API takes a free port instead (set PORT to choose one)');
    expect(run.output()).toContain('port 4566 is in use: the local AWS endpoint takes a free port instead (set LOCAL_AWS_PORT to choose one)');
    const [, awsEndpoint] = run.output().match(/^Local AWS endpoint: (http:\/\/127\.0\.0\.1:\d+) /m) ?? [];
    expect(awsEndpoint).toBeDefined();
    expect(awsEndpoint).not.toContain(':4566');
    // The stack on the ports it printed answers.
    const answer = await fetch(`http://127.0.0.1:${apiPort}/orders/no-such-request`);
    expect(answer.status).toBe(404);
    expect(await run.stop()).toBe(0);
  });

  it('creates no queue, topic, table or secret that the README does not name', async () => {
    const run = start({ PORT: '0', LOCAL_AWS_PORT: '0' });
    await waitFor(run, READY_LINE);
    const [, endpoint] = run.output().match(/^Local AWS endpoint: (http:\/\/127\.0\.0\.1:\d+) /m) ?? [];
    const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
    const sqs = new SQSClient(config);
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({}));
    sqs.destroy();
    const names = QueueUrls.map((url) => url.slice(url.lastIndexOf('/') + 1));
    expect(names).toEqual(expect.arrayContaining(['hostinger-orders', 'hostinger-orders-dlq', 'hostinger-orders-outcomes-tap']));
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of names) expect(readme, `the README names the queue ${name}`).toMatch(new RegExp(`[\\s\`/]${name}[\\s\`:]`));
    expect(await run.stop()).toBe(0);
  });

  it("prints the sandbox's token, which the sandbox accepts", async () => {
    const run = start({ PORT: '0', LOCAL_AWS_PORT: '0' });
    await waitFor(run, READY_LINE);
    const [, sandbox] = run.output().match(/^Hostinger sandbox: (http:\/\/127\.0\.0\.1:\d+) /m) ?? [];
    const [, token] = run.output().match(/^ {2}sandbox token: +(sandbox-[0-9a-f]{32}) \(Authorization: Bearer <token>; a sandbox value, not a real token\)$/m) ?? [];
    const catalog = (bearer: string) => fetch(`${sandbox}/api/billing/v1/catalog`, { headers: { authorization: `Bearer ${bearer}` } });
    expect((await catalog(token ?? '')).status).toBe(200);
    expect((await catalog('sandbox-wrong')).status).toBe(401);
    expect(await run.stop()).toBe(0);
  });

  it.each([
    ['PORT', 'the Order API'],
    ['LOCAL_AWS_PORT', 'the local AWS endpoint'],
    ['SANDBOX_PORT', 'the Hostinger sandbox'],
  ])('exits 1 with one line, no stack trace, when the %s asked for is busy', async (variable, role) => {
    const port = await hold(0);
    const run = start({ PORT: '0', LOCAL_AWS_PORT: '0', [variable]: String(port) });
    expect(await run.exited).toBe(1);
    const lines = run
      .output()
      .split('\n')
      .filter((line) => line.startsWith('npm start:'));
    expect(lines).toEqual([
      `npm start: port ${port} (${variable}=${port}) for ${role} is already in use, perhaps by another local stack; set ${variable} to a free port, or to 0 for any free port`,
    ]);
    expect(run.output()).not.toMatch(/EADDRINUSE|^\s+at /m);
    expect(run.output()).not.toMatch(READY_LINE);
  });

  it.each([
    [{ PORT: 'eighty' }, 'npm start: PORT must be an integer from 0 to 65535, got "eighty"'],
    [{ PORT: '0', LOCAL_AWS_PORT: '0', HOSTINGER_MAX_ATTEMPTS: 'abc' }, 'npm start: environment variable HOSTINGER_MAX_ATTEMPTS must be a positive integer, got "abc"'],
  ])('answers a malformed setting (%o) with one line and exit status 1', async (env, line) => {
    const run = start(env);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(line);
    expect(run.output()).not.toMatch(/^\s+at /m);
  });
});

describe('npm start, watching the worker retry', { timeout: 120_000 }, () => {
  const fast = { PORT: '0', LOCAL_AWS_PORT: '0', HOSTINGER_RETRY_BASE_MS: '50', RECONCILE_SETTLE_MS: '100', SANDBOX_LATENCY_MS: '10' };

  /** Makes the sandbox answer the next two orders with a 500, then places one order, as the README says. */
  async function failTwiceAndOrder(run: Run): Promise<string> {
    const [, apiUrl] = await waitFor(run, /^Order API: (http:\/\/127\.0\.0\.1:\d+)$/m);
    const [, sandbox] = run.output().match(/^Hostinger sandbox: (http:\/\/127\.0\.0\.1:\d+) /m) ?? [];
    const faults = await fetch(`${sandbox}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ fault: 'error500', times: 2 }) });
    expect(faults.status).toBeLessThan(300);
    const answer = await fetch(`${apiUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // PayPal, as the README says: a 5xx on a card may hide an order awaiting payment, and ends unknown.
      body: JSON.stringify({ payment_method_id: 1327363, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }] }),
    });
    const { requestId } = (await answer.json()) as { requestId: string };
    await waitFor(run, new RegExp(`^outcome order\\.succeeded +request=${requestId} attempts=3 `, 'm'));
    return requestId;
  }

  it('prints one line per check of the account and per retry, with the attempt, cause and delay, before the outcome', async () => {
    const run = start(fast);
    const requestId = await failTwiceAndOrder(run);
    const lines = run
      .output()
      .split('\n')
      .filter((line) => line.includes(`request=${requestId} `));
    expect(lines.map((line) => line.replace(/delay=\d+ms/, 'delay=<n>ms').replace(/ order=.*/, ''))).toEqual([
      `reconcile request=${requestId} attempt=1 result=absent`,
      `retry     request=${requestId} attempt=2 cause=500 delay=<n>ms`,
      `reconcile request=${requestId} attempt=2 result=absent`,
      `retry     request=${requestId} attempt=3 cause=500 delay=<n>ms`,
      `outcome order.succeeded request=${requestId} attempts=3`,
    ]);
    expect(await run.stop()).toBe(0);
  });

  it('prints only outcomes with LOCAL_EVENTS=outcomes', async () => {
    const run = start({ ...fast, LOCAL_EVENTS: 'outcomes' });
    const requestId = await failTwiceAndOrder(run);
    expect(run.output()).not.toMatch(/^(retry|reconcile|deferred) /m);
    expect(run.output()).toMatch(new RegExp(`^outcome order\\.succeeded +request=${requestId} `, 'm'));
    expect(await run.stop()).toBe(0);
  });
});

describe('npm run demo', { timeout: 120_000 }, () => {
  it('prints every outcome and exits 0, without Powertools\' "No application metrics to publish" in the middle', async () => {
    const run = runScript('demo.ts', {});
    runs.push(run);
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('Outcomes published to SNS:');
    // Each scenario ends as its name says.
    expect(run.output()).toMatch(/^ {2}success +order\.succeeded +request=\S+ attempts=1 /m);
    expect(run.output()).toMatch(/^ {2}a 500, retried to success +order\.succeeded +request=\S+ attempts=2 /m);
    expect(run.output()).toMatch(/^ {2}a 422 rejection \(mixed currencies\) +order\.rejected /m);
    expect(run.output()).toMatch(/^ {2}pending card verification \(3-D Secure\) +order\.pending /m);
    expect(run.output()).not.toContain('No application metrics');
  });
});
