import type { IncomingHttpHeaders } from 'node:http';

export type UpstreamName = 'sqsAndSns' | 'dynamodb' | 'secretsmanager';

export interface ClassifiedRequest {
  upstream: UpstreamName;
  /** '<service>.<Action>', e.g. 'sqs.SendMessage' */
  call: string;
}

/** JSON protocols name the operation in X-Amz-Target as '<prefix><Action>'. */
const JSON_TARGETS: ReadonlyArray<{ prefix: string; service: string; upstream: UpstreamName }> = [
  { prefix: 'DynamoDB_20120810.', service: 'dynamodb', upstream: 'dynamodb' },
  { prefix: 'secretsmanager.', service: 'secretsmanager', upstream: 'secretsmanager' },
  { prefix: 'AmazonSQS.', service: 'sqs', upstream: 'sqsAndSns' },
];

/** The service a SigV4 request was signed for: 'Credential=<key>/<date>/<region>/<service>/aws4_request'. */
function signedService(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//)?.[1];
}

/** Decides which emulator serves a request and which API call it is; undefined if none does. */
export function classifyRequest(headers: IncomingHttpHeaders, body: Buffer): ClassifiedRequest | undefined {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const route = JSON_TARGETS.find(({ prefix }) => target.startsWith(prefix));
    return route && { upstream: route.upstream, call: `${route.service}.${target.slice(route.prefix.length)}` };
  }
  // Query protocol (SNS, STS, older SQS clients): the operation is the Action field of the form body.
  if (headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    // fauxqs answers every query-protocol request other than STS as SNS, hence the fallback.
    if (action) return { upstream: 'sqsAndSns', call: `${signedService(headers.authorization) ?? 'sns'}.${action}` };
  }
  return undefined;
}
