/**
 * Options for every AWS SDK client: bounded connection and request times, so a stalled call fails (and the
 * SDK's own retries take over) instead of running into the Lambda timeout. Endpoints, region and
 * credentials come from the environment, as on Lambda (and AWS_ENDPOINT_URL locally).
 */
export const awsClientOptions = {
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
} as const;
