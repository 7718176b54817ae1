import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { classifyRequest, type UpstreamName } from './classify-request.ts';
import { closeNow, listenOnLoopback } from './loopback.ts';
import { readBody } from './read-body.ts';

export interface RouterOptions {
  port: number;
  /** Origin of each emulator, e.g. 'http://127.0.0.1:41234'. */
  upstreams: Record<UpstreamName, string>;
  /** Told about each API call, as '<service>.<Action>', with its request body. */
  onCall(call: string, body: Buffer): void;
  /** Fault injection: true makes this call fail with a 500 InternalFailure, as AWS does on a bad day. */
  shouldFail?(call: string): boolean;
  /**
   * Fault injection: a lost reply. The call is forwarded and takes effect, then its reply is dropped: the
   * connection is reset, or a 500 InternalFailure is answered instead. The SDK's retry then meets its own write.
   */
  loseReply?(call: string, body: Buffer): LostReply | undefined;
  /**
   * Told about each call before it is forwarded; what it returns runs once the emulator answered it with a
   * 2xx, before the reply goes back (the lagging index's bookkeeping).
   */
  beforeCall?(call: string, body: Buffer): Promise<(() => Promise<void>) | undefined>;
  /** Rewrites the replies of some calls (a lagging index); `applies` is asked before forwarding. */
  rewriteReply?: { applies(call: string, body: Buffer): boolean; forwarded(body: Buffer): Buffer; rewrite(body: Buffer, reply: Buffer): Buffer };
  /** Reads the replies of some calls without changing them (what they would be billed); may add to the request. */
  meter?: { applies(call: string, body: Buffer): boolean; forwarded(body: Buffer): Buffer; noteReply(call: string, statusCode: number, reply: Buffer): void };
}

export type LostReply = 'reset' | 'error500';

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
/** Reads a whole upstream reply, for the calls whose reply is dropped or rewritten. */
async function readReply(reply: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of reply) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startRouter({ port, upstreams, onCall, shouldFail, loseReply, beforeCall, rewriteReply, meter }: RouterOptions): Promise<Router> {
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
    onCall(classified.call, body);
    if (shouldFail?.(classified.call)) {
      sendInternalFailure(response, !request.headers['x-amz-target']);
      return;
    }

    const afterSuccess = await beforeCall?.(classified.call, body);
    const lost = loseReply?.(classified.call, body);
    const rewrite = rewriteReply?.applies(classified.call, body) ?? false;
    const metered = meter?.applies(classified.call, body) ?? false;
    // The emulator does not check signatures: a request rewritten for a rewritten reply is accepted as is.
    const rewritten = rewrite && rewriteReply ? rewriteReply.forwarded(body) : body;
    const forwarded = metered && meter ? meter.forwarded(rewritten) : rewritten;
    const headers: OutgoingHttpHeaders = {
      ...withoutConnectionHeaders(request.headers),
      // A canonical Host: fauxqs builds queue URLs from it, so they always point back at this router.
      host: `127.0.0.1:${request.socket.localPort}`,
      'content-length': forwarded.length,
    };
    const upstreamUrl = new URL(request.url ?? '/', upstreams[classified.upstream]);
    const upstreamRequest = httpRequest(upstreamUrl, { method: request.method, headers, agent }, (upstreamResponse) => {
      const statusCode = upstreamResponse.statusCode ?? 502;
      const succeeded = statusCode >= 200 && statusCode < 300;
      if (lost || rewrite || metered || afterSuccess) {
        void readReply(upstreamResponse).then(
          async (reply) => {
            if (metered) meter?.noteReply(classified.call, statusCode, reply);
            if (succeeded) await afterSuccess?.();
            // The call took effect; its reply never reaches the client.
            if (lost === 'reset') return request.socket.destroy();
            if (lost === 'error500') return sendInternalFailure(response, !request.headers['x-amz-target']);
            const answered = rewrite && statusCode === 200 && rewriteReply ? rewriteReply.rewrite(body, reply) : reply;
            const { 'x-amz-crc32': _checksum, ...replyHeaders } = withoutConnectionHeaders(upstreamResponse.headers);
            response.writeHead(statusCode, { ...replyHeaders, 'content-length': answered.length });
            response.end(answered);
          },
          () => response.destroy(),
        );
        return;
      }
      response.writeHead(statusCode, withoutConnectionHeaders(upstreamResponse.headers));
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
    upstreamRequest.end(forwarded);
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
