import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalAwsOffThread } from '../local/aws/aws-thread.ts';
import { startHostingerSandboxOffThread } from '../local/sandbox/sandbox-thread.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

describe('services on worker threads of their own (npm start and the bench)', () => {
  it('the sandbox answers over HTTP from its thread, and its control API works synchronously from the caller', async () => {
    const sandbox = await startHostingerSandboxOffThread({ token: 'sandbox-token' });
    closers.push(() => sandbox.close());
    sandbox.addFaults([{ fault: 'error500', times: 1 }]);
    expect(sandbox.faults()).toHaveLength(1);
    const post = () =>
      fetch(`${sandbox.url}/api/billing/v1/orders`, {
        method: 'POST',
        headers: { authorization: 'Bearer sandbox-token', 'content-type': 'application/json' },
        body: JSON.stringify({ payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] }),
      });
    expect((await post()).status).toBe(500);
    expect((await post()).status).toBe(200);
    expect(sandbox.orders()).toHaveLength(1);
    expect(sandbox.requestCount()).toBe(2);
    const load = sandbox.load.eventLoopUtilization();
    expect(load.active).toBeGreaterThan(0);
    expect(sandbox.load.cpuUsage().user).toBeGreaterThan(0);
  });

  it('the local AWS endpoint counts calls and takes faults from the caller', async () => {
    const aws = await startLocalAwsOffThread();
    closers.push(() => aws.close());
    const sqs = new SQSClient({ endpoint: aws.endpoint, region: aws.region, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    closers.push(async () => sqs.destroy());
    await sqs.send(new ListQueuesCommand({}));
    expect(aws.calls()).toEqual({ 'sqs.ListQueues': 1 });
    aws.faults.setFailureRate('sqs.ListQueues', 1);
    await expect(sqs.send(new ListQueuesCommand({}))).rejects.toThrow();
    aws.resetCalls();
    expect(aws.calls()).toEqual({});
  });
});
