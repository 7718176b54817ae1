import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requestJson, TransportError } from '../../lib/hostinger/http-transport.ts';

/**
 * `requestSent` decides between "retry" and "the order may exist": these tests use real sockets, each failing
 * at a different point of the exchange, rather than errors built by hand.
 */
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function listening(server: net.Server): Promise<number> {
  closers.push(() => server.close());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A TCP server that runs `onConnection` for each socket it accepts. */
const tcpServer = (onConnection: (socket: net.Socket) => void) => {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  closers.push(() => sockets.forEach((socket) => socket.destroy()));
  return listening(server);
};

async function failure(url: string, timeoutMs = 5_000): Promise<TransportError> {
  const error = await requestJson({ method: 'POST', url, token: 't', body: { items: [{ item_id: 'x' }] }, timeoutMs }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('requestJson: was any of the request sent?', () => {
  it('a refused connection sent nothing', async () => {
    const port = await listening(net.createServer());
    closers.pop()?.(); // closed again: the port now refuses
    await new Promise((resolve) => setTimeout(resolve, 50));
    const error = await failure(`http://127.0.0.1:${port}/api/billing/v1/orders`);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.requestSent).toBe(false);
  });

  it('a host name that does not resolve sent nothing', async () => {
    const error = await failure('http://hostinger-orders-test.invalid/api/billing/v1/orders');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(error.code);
    expect(error.requestSent).toBe(false);
  });

  it('a TLS handshake that fails sent nothing', async () => {
    // Answers the ClientHello with plain text: the handshake fails before any HTTP byte can be encrypted.
    const port = await tcpServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const error = await failure(`https://127.0.0.1:${port}/api/billing/v1/orders`);
    expect(error.requestSent).toBe(false);
  });

  it('a connection reset after the server read the request may have reached Hostinger', async () => {
    const port = await tcpServer((socket) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('"item_id"')) socket.resetAndDestroy();
      });
    });
    const error = await failure(`http://127.0.0.1:${port}/api/billing/v1/orders`);
    expect(error.code).toBe('ECONNRESET');
    expect(error.requestSent).toBe(true);
  });

  it('a timeout after the request was written may have reached Hostinger', async () => {
    const port = await tcpServer(() => undefined); // accepts, reads, never answers
    const error = await failure(`http://127.0.0.1:${port}/api/billing/v1/orders`, 300);
    expect(error.code).toBe('ETIMEDOUT');
    expect(error.requestSent).toBe(true);
  });

  it('a kept-alive socket is already connected: a reset on its second request may have reached Hostinger', async () => {
    let requests = 0;
    const server = http.createServer((request, response) => {
      requests += 1;
      request.resume();
      if (requests === 1) {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      request.on('end', () => request.socket.resetAndDestroy());
    });
    server.keepAliveTimeout = 10_000;
    closers.push(() => server.closeAllConnections());
    const port = await listening(server);
    const url = `http://127.0.0.1:${port}/api/billing/v1/orders`;
    const sockets = new Set<string>();
    server.on('connection', (socket: net.Socket) => sockets.add(`${socket.remotePort}`));
    await requestJson({ method: 'POST', url, token: 't', body: {}, timeoutMs: 5_000 });
    const error = await failure(url);
    expect(sockets.size).toBe(1); // the second request went over the first one's socket
    expect(error.requestSent).toBe(true);
  });
});
