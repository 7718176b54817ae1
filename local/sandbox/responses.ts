/** Bodies shaped like the real API's answers (Common.Response.*), each with a fresh correlation id. */
import { randomUUID } from 'node:crypto';
import type { ValidationErrors } from './validate-order.ts';

/** What the edge writes: JSON, an HTML page (as a proxy in front of the API sends), nothing, or a reset socket. */
export type Answer =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'html'; status: number; page: string }
  | { kind: 'empty'; status: number }
  | { kind: 'reset' };

export interface ErrorBody {
  message: string;
  correlation_id: string;
}

export interface ValidationErrorBody extends ErrorBody {
  errors: ValidationErrors;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Answer {
  return headers ? { kind: 'json', status, body, headers } : { kind: 'json', status, body };
}

function errorBody(message: string): ErrorBody {
  return { message, correlation_id: randomUUID() };
}

export function errorAnswer(status: number, message: string, headers?: Record<string, string>): Answer {
  return json(status, errorBody(message), headers);
}

export const unauthenticated = (): Answer => errorAnswer(401, 'Unauthenticated');
export const internalServerError = (): Answer => errorAnswer(500, '[Hosting:9999] Internal server error');
export const notFound = (): Answer => errorAnswer(404, 'Not found');

/** Laravel's MethodNotAllowedHttpException wording. */
export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): Answer {
  const message = `The ${method} method is not supported for route ${path.replace(/^\//, '')}. Supported methods: ${allowed.join(', ')}.`;
  return errorAnswer(405, message, { Allow: allowed.join(', ') });
}

export function tooManyAttempts(retryAfterSeconds: number | undefined): Answer {
  const headers = retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(retryAfterSeconds) };
  return errorAnswer(429, 'Too Many Attempts.', headers);
}

/** Laravel's summary: the first message, plus "(and N more error[s])" counting every other message. */
function validationMessage(errors: ValidationErrors): string {
  const messages = Object.values(errors).flat();
  const [first = 'The given data was invalid.'] = messages;
  const more = messages.length - 1;
  return more > 0 ? `${first} (and ${more} more error${more > 1 ? 's' : ''})` : first;
}

export function unprocessable(errors: ValidationErrors): Answer {
  const body: ValidationErrorBody = { message: validationMessage(errors), errors, correlation_id: randomUUID() };
  return json(422, body);
}

const GATEWAY_TITLES: Record<number, string> = { 502: '502 Bad Gateway', 504: '504 Gateway Time-out' };

/** The HTML page an nginx edge answers with when the API behind it fails or times out. */
export function gatewayPage(status: 502 | 504): Answer {
  const title = GATEWAY_TITLES[status];
  const page = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  return { kind: 'html', status, page };
}
