import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** Who is calling: the IAM principal's ARN (SigV4) or the JWT's subject, as API Gateway authorised it. */
export interface Caller {
  id: string;
  /** The JWT's scopes; empty for IAM callers, whose permissions live in their IAM policies. */
  scopes: string[];
}

/** What API Gateway's HTTP API puts in `requestContext.authorizer` for IAM and JWT authorisation (payload 2.0). */
interface AuthorizerContext {
  iam?: { userArn?: string };
  jwt?: { claims?: Record<string, unknown>; scopes?: string[] | null };
}

/**
 * The caller of an HTTP API request, from what API Gateway verified; never from a header the caller could
 * set. Undefined when the route had no authoriser (never the case for the deployed routes).
 */
export function callerOf(event: APIGatewayProxyEventV2): Caller | undefined {
  const authorizer = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
  const arn = authorizer?.iam?.userArn;
  if (arn) return { id: arn, scopes: [] };
  const subject = authorizer?.jwt?.claims?.sub;
  if (typeof subject === 'string' && subject !== '') return { id: subject, scopes: authorizer?.jwt?.scopes ?? [] };
  return undefined;
}
