import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpApi } from '../../local/http-api.ts';
import { canListen, listenErrorPort, settlePorts } from '../../local/ports.ts';

/** How npm start settles its ports (local/ports.ts), against real sockets on 127.0.0.1. */
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});
async function busyPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return (server.address() as { port: number }).port;
}

describe('settlePorts', () => {
  it('keeps free ports, gives a busy default up for any free port (0) with a notice naming the variable', async () => {
    const busy = await busyPort();
    const { ports, notices } = await settlePorts({
      api: { role: 'the Order API', variable: 'PORT', port: busy, explicit: false },
      aws: { role: 'the local AWS endpoint', variable: 'LOCAL_AWS_PORT', port: 0, explicit: true },
    });
    expect(ports).toEqual({ api: 0, aws: 0 });
    expect(notices).toEqual([`port ${busy} is in use: the Order API takes a free port instead (set PORT to choose one)`]);
  });

  it('refuses a busy port the user chose, naming the port and the variable', async () => {
    const busy = await busyPort();
    await expect(settlePorts({ api: { role: 'the Order API', variable: 'PORT', port: busy, explicit: true } })).rejects.toThrow(
      `port ${busy} (PORT=${busy}) for the Order API is already in use, perhaps by another local stack; set PORT to a free port, or to 0 for any free port`,
    );
  });

  it('tells a free port from a busy one', async () => {
    const busy = await busyPort();
    expect(await canListen(busy)).toBe('in use');
    expect(await canListen(0)).toBe('free');
  });
});

describe('a port taken between the check and the listen', () => {
  it('makes the HTTP API reject with the port (for one clear line), not crash the process', async () => {
    const busy = await busyPort();
    const error = await startHttpApi({ port: busy, routes: [] }).catch((caught: unknown) => caught);
    expect(listenErrorPort(error)).toBe(busy);
  });
});
