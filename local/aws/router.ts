import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { classifyRequest, type UpstreamName } from './classify-request.ts';
import { closeNow, listenOnLoopback } from './loopback.ts';
import { readBody } from './read-body.ts';

export interface RouterOptions {
  port: number;
  /** Origin of each emulator, e.g. 'http://127.0.0.1:41234'. */
  upstreams: Record<UpstreamName, string>;
  /** Told about each API call, as '<service>.<Action>'. */
  onCall(call: string): void;
  /** Fault injection: true makes this call fail with a 500 InternalFailure, as AWS does on a bad day. */
  shouldFail?(call: string): boolean;
}

export interface Router {
  origin: string;
  close(): Promise<void>;
}

/**
 * Headers that describe one connection, not the message. 'expect' is dropped too: the router has already
 * answered 100-continue and holds the whole body.
 */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);

function withoutConnectionHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !CONNECTION_HEADERS.has(name)));
}

function sendRouterError(response: ServerResponse, statusCode: number, type: string, message: string): void {
  const payload = JSON.stringify({ __type: type, message });
  response.writeHead(statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-amzn-errortype': type });
  response.end(payload);
}

/** A 500 InternalFailure in the caller's protocol: XML for the query protocol (SNS), JSON otherwise. */
function sendInternalFailure(response: ServerResponse, queryProtocol: boolean): void {
  if (!queryProtocol) return sendRouterError(response, 500, 'InternalFailure', 'Injected failure.');
  const payload =
    '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>Injected failure.</Message></Error>' +
    '<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>';
  response.writeHead(500, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

/** One endpoint for every emulated service, like LocalStack's single port: forwards each call to its emulator. */
export async function startRouter({ port, upstreams, onCall, shouldFail }: RouterOptions): Promise<Router> {
  const agent = new Agent({ keepAlive: true });

  const server = createServer(async (request, response) => {
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch {
      response.destroy();
      return;
    }
    const classified = classifyRequest(request.headers, body);
    if (!classified) {
      sendRouterError(response, 400, 'UnknownOperationException', 'No local AWS service handles this request.');
      return;
    }
    onCall(classified.call);
    if (shouldFail?.(classified.call)) {
      sendInternalFailure(response, !request.headers['x-amz-target']);
      return;
    }

    const headers: OutgoingHttpHeaders = {
      ...withoutConnectionHeaders(request.headers),
      // A canonical Host: fauxqs builds queue URLs from it, so they always point back at this router.
      host: `127.0.0.1:${request.socket.localPort}`,
      'content-length': body.length,
    };
    const upstreamUrl = new URL(request.url ?? '/', upstreams[classified.upstream]);
    const upstreamRequest = httpRequest(upstreamUrl, { method: request.method, headers, agent }, (upstreamResponse) => {
      response.writeHead(upstreamResponse.statusCode ?? 502, withoutConnectionHeaders(upstreamResponse.headers));
      // On failure pipeline destroys both streams; the client sees a dropped connection, as it would from AWS.
      pipeline(upstreamResponse, response, () => {});
    });
    upstreamRequest.on('error', (error) => {
      if (response.headersSent) response.destroy();
      else sendRouterError(response, 502, 'BadGateway', `Local ${classified.upstream} emulator failed: ${error.message}`);
    });
    // A client that gives up (e.g. during a long poll) must not leave the emulator answering nobody.
    response.on('close', () => {
      if (!response.writableFinished) upstreamRequest.destroy();
    });
    upstreamRequest.end(body);
  });

  const origin = await listenOnLoopback(server, port);
  return {
    origin,
    close: async () => {
      await closeNow(server);
      agent.destroy();
    },
  };
}
