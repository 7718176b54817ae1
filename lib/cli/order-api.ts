import { type CliContext, errorMessage, UserError, usageError } from './context.ts';
import { findRunningStack } from './local-resources.ts';

/**
 * Calls the order API over HTTP: the one `npm start` recorded (acting as `--as`, the local API's
 * x-local-caller, with the approver permission), or `--api-url` / ORDER_API_URL when deployed in jwt mode
 * with the bearer token in ORDER_API_TOKEN. (iam mode needs SigV4 requests: use the HTTP API with a
 * SigV4-signing client.)
 */
export interface OrderApi {
  url: string;
  local: boolean;
  request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
}

export function orderApi(ctx: CliContext, options: { apiUrl?: string; as?: string }): OrderApi {
  const given = options.apiUrl ?? ctx.env.ORDER_API_URL;
  const running = given === undefined ? findRunningStack(ctx.cwd) : undefined;
  if (given !== undefined && !URL.canParse(given)) throw usageError(`--api-url must be a URL, got "${given}"`);
  const url = given ?? running?.stack.orderApiUrl;
  if (!url) throw usageError('no order API: start the local stack (npm start) in this folder, or pass --api-url <url> (or ORDER_API_URL)');
  // The local API runs on loopback only; a deployed one is never there.
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (local) {
    if (options.as) headers['x-local-caller'] = options.as;
    headers['x-local-scopes'] = 'orders/approve';
  } else if (ctx.env.ORDER_API_TOKEN) {
    headers.authorization = `Bearer ${ctx.env.ORDER_API_TOKEN}`;
  }
  return {
    url,
    local,
    async request(method, path, body) {
      let response: Response;
      try {
        response = await fetch(`${url.replace(/\/+$/, '')}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      } catch (error) {
        throw new UserError(`the order API at ${url} cannot be reached: ${errorMessage(error)}`);
      }
      const text = await response.text();
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        json = { message: text };
      }
      return { status: response.status, json };
    },
  };
}
