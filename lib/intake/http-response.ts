import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldErrors } from '../order/order-request.ts';

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Every 4xx and 5xx this API answers has this one shape: a message, and field errors when there are some. */
export const errorResponse = (statusCode: number, message: string, errors?: FieldErrors) => json(statusCode, errors ? { message, errors } : { message });

/** Order requests are small; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The answer to any body over MAX_BODY_BYTES, however large (docs/api.md). */
export const bodyTooLarge = () => errorResponse(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
