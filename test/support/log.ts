import type { Log } from '../../lib/platform/log.ts';

/** A Log that keeps its lines, for unit tests of modules that take one. */
export function collectingLog(): Log & { lines: { level: string; message: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (message: string, ...fields: Record<string, unknown>[]) =>
      void lines.push({ level, message, fields: Object.assign({}, ...fields) });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
