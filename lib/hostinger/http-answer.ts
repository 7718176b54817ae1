/** A raw HTTP answer: the transport returns it, classification (classify-attempt.ts) reads it. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request that got no HTTP answer. `requestSent` tells whether any of the request can have reached the
 * server: false only when the connection (TCP, and TLS for https) was never established, so Hostinger cannot
 * have acted on it and a retry is safe; true when some of it went out on a live connection: the order may exist.
 */
export interface TransportFailure {
  code: string;
  requestSent: boolean;
  message: string;
}
