import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/** The local stack has no authorization: it must not be reachable from anywhere but this machine. */
let t: TestStack;

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

/** Whether a TCP connection to host:port is accepted. */
const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });

const externalAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((address) => address !== undefined && !address.internal && address.family === 'IPv4')
  .map((address) => address?.address as string);

describe('the local stack', () => {
  it('listens on 127.0.0.1 only: the order API, the AWS endpoint and the sandbox', async (context) => {
    const ports = {
      'order API': Number(new URL(t.stack.apiUrl).port),
      'AWS endpoint': Number(new URL(t.stack.resources.awsEndpoint).port),
      sandbox: Number(new URL(t.stack.resources.hostingerApiUrl).port),
    };
    for (const [name, port] of Object.entries(ports)) expect(await reachable('127.0.0.1', port), `${name} on loopback`).toBe(true);
    if (externalAddresses.length === 0) context.skip('this machine has no non-loopback IPv4 address to try');
    for (const address of externalAddresses) {
      for (const [name, port] of Object.entries(ports)) expect(await reachable(address, port), `${name} on ${address}`).toBe(false);
    }
  });
});
