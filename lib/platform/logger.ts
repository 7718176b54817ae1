import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Credentials that may pass through a log line (a caller's Authorization header in an API Gateway event logged
 * with POWERTOOLS_LOGGER_LOG_EVENT, for one): written as `[redacted]`, whatever the log level.
 */
const SECRET_KEYS = new Set(['authorization', 'proxy-authorization', 'x-amz-security-token', 'x-api-key', 'cookie', 'cookies', 'token']);
export const redactSecrets = (key: string, value: unknown): unknown => (SECRET_KEYS.has(key.toLowerCase()) && value !== undefined && value !== null ? '[redacted]' : value);

/** Structured JSON logs; the level comes from POWERTOOLS_LOG_LEVEL (or AWS_LAMBDA_LOG_LEVEL), default INFO. */
export const logger = new Logger({ serviceName: 'hostinger-orders', jsonReplacerFn: redactSecrets });
