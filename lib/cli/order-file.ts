import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { errorMessage, UserError, usageError } from './context.ts';
import { parseCsvOrders } from './csv-orders.ts';
import { contentHash } from './file-batch.ts';
import { parseJsonArray, parseJsonLines } from './json-orders.ts';
import type { ParsedOrders } from './order-lines.ts';

/**
 * Order files: JSON (an array of orders), JSONL/NDJSON (one order per line) or CSV (a header row, one item
 * per row), read into validated order messages, each with the line it starts on, or errors naming the line.
 */
export type OrderFormat = 'json' | 'jsonl' | 'csv';
export const ORDER_FORMATS: readonly OrderFormat[] = ['json', 'jsonl', 'csv'];

const EXTENSIONS: Record<string, OrderFormat> = { '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv' };

export function formatOf(path: string): OrderFormat | undefined {
  return EXTENSIONS[extname(path).toLowerCase()];
}

export function parseOrderFile(text: string, format: OrderFormat): ParsedOrders {
  if (format === 'csv') return parseCsvOrders(text);
  return format === 'json' ? parseJsonArray(text) : parseJsonLines(text);
}

/** An order file as read from disk: its orders, with their lines, and its problems. */
export interface ReadOrderFile extends ParsedOrders {
  /** The path as the user gave it, for messages (`orders.csv:17: …`). */
  name: string;
  /** The absolute path. */
  path: string;
  /** sha256 of the content. */
  hash: string;
}

export function readOrderFile(cwd: string, file: string, formatFlag?: string): ReadOrderFile {
  const format = (formatFlag ?? formatOf(file)) as OrderFormat | undefined;
  if (!format || !ORDER_FORMATS.includes(format)) {
    throw usageError(formatFlag ? `--format must be one of ${ORDER_FORMATS.join(', ')}` : `${file}: unknown file type; use .json, .jsonl, .ndjson or .csv, or pass --format`);
  }
  const path = resolve(cwd, file);
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : errorMessage(error)}`);
  }
  return { name: file, path, hash: contentHash(content), ...parseOrderFile(content.toString('utf8'), format) };
}
