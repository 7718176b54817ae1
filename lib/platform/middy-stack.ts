import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics, publishMetrics } from './metrics.ts';

/**
 * The one middleware stack of every function: request-scoped logs, and the invocation's metrics published
 * after it (only when there are some).
 */
export function lambdaFunction<TEvent, TResult>(handler: (event: TEvent, context: Context) => Promise<TResult>) {
  return middy<TEvent, TResult>().use(injectLambdaContext(logger)).use(publishMetrics(metrics)).handler(handler);
}

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** The same stack for the HTTP API functions, plus lower-case headers and no stack traces out. */
export function httpFunction(handler: HttpHandler) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger))
    .use(publishMetrics(metrics))
    .use(httpHeaderNormalizer())
    .use(
      httpErrorHandler({ logger: (error: unknown) => logger.error('unhandled error', { error: error as Error }), fallbackMessage: JSON.stringify({ message: 'internal error' }) }),
    )
    .handler(handler);
}
