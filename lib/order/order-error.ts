import * as z from 'zod/mini';
import type { FieldErrors } from './order-request.ts';

/** What went wrong with an attempt, in the shape outcomes and the ledger carry. Never holds the token. */
export interface OrderError {
  message: string;
  httpStatus?: number;
  code?: string;
  fieldErrors?: FieldErrors;
  correlationId?: string;
}

/** What an error came from, in a word: the HTTP status or the network error code. */
export const errorCause = (error: OrderError): string => String(error.httpStatus ?? error.code ?? 'unknown');

/** An OrderError as published in outcomes. */
export const orderErrorSchema = z.object({
  message: z.string(),
  httpStatus: z.optional(z.int()),
  code: z.optional(z.string()),
  fieldErrors: z.optional(z.record(z.string(), z.array(z.string()))),
  correlationId: z.optional(z.string()),
});
