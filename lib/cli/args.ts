import { type ParseArgsConfig, parseArgs } from 'node:util';
import { integerIn, integerRange } from '../platform/integer.ts';
import { usageError } from './context.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict, with its errors turned into one-line usage errors. */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw usageError(`${message} (see: hostinger-orders help ${command})`);
  }
}

export function integerOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = integerIn(value, min, max);
  if (n === undefined) throw usageError(`--${name} must be ${integerRange(min, max)}, got "${value}"`);
  return n;
}
