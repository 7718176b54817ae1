import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { bodyTooLarge } from '../lib/intake/http-response.ts';
import { listenOnLoopback } from './aws/loopback.ts';
import { invokeWithTimeout } from './lambda-context.ts';

export type HttpLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Route {
  method: string;
  /** API Gateway route path, e.g. `/orders/{requestId}`. */
  path: string;
  functionName: string;
  handler: HttpLambda;
  timeoutMs: number;
  /**
   * A separate permission the route needs (approving, denying): the JWT scope deployed in jwt mode, or an
   * IAM policy allowing execute-api:Invoke on the route in iam mode. Locally: the `x-local-scopes` header.
   */
  requiredScope?: string;
}

/**
 * Local only, standing in for what API Gateway verifies: `x-local-caller` names the caller (an IAM ARN, or any
 * other string as a JWT subject; default LOCAL_CALLER) and `x-local-scopes` its permissions (space-separated).
 * They never reach the functions as headers: only as the authoriser context API Gateway would give them.
 */
export const LOCAL_CALLER = 'arn:aws:iam::000000000000:user/local-developer';

function localAuthorizer(headers: Record<string, string>) {
  const caller = headers['x-local-caller']?.trim() || LOCAL_CALLER;
  const scopes = (headers['x-local-scopes'] ?? '').split(/\s+/).filter(Boolean);
  delete headers['x-local-caller'];
  delete headers['x-local-scopes'];
  return {
    scopes,
    authorizer: caller.startsWith('arn:') ? { iam: { userArn: caller } } : { jwt: { claims: { sub: caller }, scopes } },
  };
}

/** API Gateway HTTP APIs refuse payloads over 10 MB before any function runs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

function matchRoute(routes: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  const parts = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/');
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, i) => {
      const part = parts[i] ?? '';
      const param = /^\{(\w+)\}$/.exec(segment);
      if (param?.[1]) {
        params[param[1]] = decodeURIComponent(part);
        return part !== '';
      }
      return segment === part;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

function toEvent(request: http.IncomingMessage, route: Route, params: Record<string, string>, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://local');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  const { authorizer } = localAuthorizer(headers);
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    pathParameters: Object.keys(params).length > 0 ? params : undefined,
    body: body.length > 0 ? body.toString('utf8') : undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer,
    } as APIGatewayProxyEventV2['requestContext'],
  };
}

function send(response: http.ServerResponse, statusCode: number, headers: Record<string, string | number | boolean>, body: string) {
  response.writeHead(statusCode, Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v)])));
  response.end(body);
}

/** A local stand-in for API Gateway's HTTP API: routes requests to Lambda handlers as payload v2.0 events. */
export async function startHttpApi(options: { port: number; routes: Route[] }): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      // Locally the refusal says what docs/api.md says of any body over the orders' limit.
      if (size > MAX_PAYLOAD_BYTES) return send(response, 413, { 'content-type': 'application/json' }, bodyTooLarge().body ?? '');
      const path = new URL(request.url ?? '/', 'http://local').pathname;
      const match = matchRoute(options.routes, request.method ?? 'GET', path);
      if (!match) return send(response, 404, { 'content-type': 'application/json' }, '{"message":"Not Found"}');
      const scopes = String(request.headers['x-local-scopes'] ?? '').split(/\s+/);
      if (match.route.requiredScope && !scopes.includes(match.route.requiredScope)) return send(response, 403, { 'content-type': 'application/json' }, '{"message":"Forbidden"}');
      const event = toEvent(request, match.route, match.params, Buffer.concat(chunks));
      invokeWithTimeout((context) => match.route.handler(event, context), match.route.functionName, match.route.timeoutMs).then(
        (result) => send(response, result.statusCode ?? 200, result.headers ?? {}, result.body ?? ''),
        () => send(response, 500, { 'content-type': 'application/json' }, '{"message":"Internal Server Error"}'),
      );
    });
  });
  // Loopback only: this API spends money and must not be reachable from the network. A port in use rejects
  // (EADDRINUSE, with the port), for npm start to say so, instead of crashing the process.
  const url = await listenOnLoopback(server, options.port);
  return {
    url,
    port: Number(new URL(url).port),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
