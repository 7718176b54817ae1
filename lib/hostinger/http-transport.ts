import http from 'node:http';
import https from 'node:https';
import type { HttpAnswer, TransportFailure } from './http-answer.ts';

/** A request that got no HTTP answer (see TransportFailure). */
export class TransportError extends Error implements TransportFailure {
  constructor(
    readonly code: string,
    readonly requestSent: boolean,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  url: string;
  token: string;
  /** Sent as JSON; omitted for a GET. */
  body?: unknown;
  timeoutMs: number;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;

// Keep-alive agents live at module scope so warm Lambda containers reuse connections across invocations.
// Idle sockets are dropped after 4 s, below common server keep-alive timeouts (Node 5 s, nginx 75 s), so a
// request is rarely written to a socket the server is closing: such a reset would be ambiguous.
const agentOptions = { keepAlive: true, maxSockets: 64, timeout: 4_000 };
const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

/**
 * Sends a JSON request with a bearer token. Written on node:http rather than fetch because fetch cannot tell
 * whether a failed request was ever written to the socket, and that decides between "retry" and "ambiguous".
 */
export function requestJson({ method, url, token, body, timeoutMs }: JsonRequest): Promise<HttpAnswer> {
  const target = new URL(url);
  const protocol = target.protocol === 'https:' ? 'https:' : 'http:';
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    let bytesBefore = 0;
    let socket: import('node:net').Socket | undefined;
    // Node counts bytes buffered on a socket that is still connecting as written: a refused connection, a
    // failed DNS lookup or TLS handshake would pass for "sent". Only bytes on an established connection count.
    let connected = false;
    const requestSent = () => connected && socket !== undefined && socket.bytesWritten > bytesBefore;
    const onError = (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(error instanceof TransportError ? error : new TransportError(error.code ?? 'ERR_NETWORK', requestSent(), error.message));
    };

    const request = (protocol === 'https:' ? https : http).request(target, {
      method,
      agent: agents[protocol],
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
      },
    });
    const timer = setTimeout(() => {
      request.destroy(new TransportError('ETIMEDOUT', requestSent(), `no answer within ${timeoutMs} ms`));
    }, timeoutMs);

    request.on('socket', (assigned) => {
      socket = assigned;
      bytesBefore = assigned.bytesWritten;
      // A kept-alive socket is already connected (and past its TLS handshake); a new one is once it says so.
      if (request.reusedSocket) connected = true;
      else assigned.once(protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true));
    });
    request.on('error', onError);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          request.destroy(new TransportError('ERESPONSETOOLARGE', true, `response over ${MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', onError);
    });
    request.end(payload);
  });
}
