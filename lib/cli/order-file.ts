import { extname } from 'node:path';
import { parseCsvOrders } from './csv-orders.ts';
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
