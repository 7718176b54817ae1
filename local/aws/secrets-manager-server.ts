import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { closeNow, listenOnLoopback } from './loopback.ts';
import { readBody } from './read-body.ts';
import { SecretsManager, SecretsManagerError } from './secrets-manager.ts';
import type { Upstream } from './upstream.ts';

export interface SecretsManagerServer extends Upstream {
  /** While on, every call fails as AWS does when the service is unavailable (HTTP 503). */
  setUnavailable(on: boolean): void;
}

const TARGET_PREFIX = 'secretsmanager.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

function actionFrom(headers: IncomingHttpHeaders): string {
  const target = headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
}

function inputFrom(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const input: unknown = JSON.parse(body.toString('utf8'));
    if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  } catch {
    // answered below like any other body that is not a JSON object
  }
  throw new SecretsManagerError('SerializationException', 'The request body is not a JSON object.');
}

function send(response: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(payload);
}

function sendError(response: ServerResponse, error: SecretsManagerError): void {
  send(response, error.statusCode, { __type: error.type, message: error.message }, { 'x-amzn-errortype': error.type });
}

const serviceUnavailable = new SecretsManagerError('ServiceUnavailable', 'Secrets Manager is temporarily unavailable.', 503);
const internalError = new SecretsManagerError('InternalServiceError', 'An error occurred on the server side.', 500);

/**
 * Secrets Manager over its real wire protocol (AWS JSON 1.1), for SDKs and the CLI. No emulator package
 * exists. It never logs: request bodies carry secret values.
 */
export async function startSecretsManagerServer(region: string): Promise<SecretsManagerServer> {
  const secretsManager = new SecretsManager(region);
  let unavailable = false;

  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        if (unavailable) return sendError(response, serviceUnavailable);
        try {
          send(response, 200, secretsManager.perform(actionFrom(request.headers), inputFrom(body)));
        } catch (error) {
          sendError(response, error instanceof SecretsManagerError ? error : internalError);
        }
      },
      () => response.destroy(),
    );
  });
  const origin = await listenOnLoopback(server);
  return {
    origin,
    close: () => closeNow(server),
    setUnavailable: (on) => {
      unavailable = on;
    },
  };
}
