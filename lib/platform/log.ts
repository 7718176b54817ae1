/**
 * What the worker, reconciliation and catalog checks log through, passed in: Powertools' Logger
 * (lib/platform/logger.ts) in the functions, a collector or nothing in tests.
 */
export interface Log {
  debug(message: string, ...fields: Record<string, unknown>[]): void;
  info(message: string, ...fields: Record<string, unknown>[]): void;
  warn(message: string, ...fields: Record<string, unknown>[]): void;
  error(message: string, ...fields: Record<string, unknown>[]): void;
}
