import { type PurchaseMessage, parsePurchaseMessage } from '../order/kinds/purchase.ts';
import type { FieldErrors } from '../order/order-request.ts';

/** The lines of an order file: validated order messages, each with the line it starts on, or errors naming the line. */
/** One order of a file: a valid queue message (without the request id the batch gives it, unless the line has one). */
export interface FileOrder {
  /** The line the order starts on (1-based): its place in the batch. */
  line: number;
  message: PurchaseMessage;
}

/** `line` is absent for a problem of the whole file. */
export interface LineError {
  line?: number;
  message: string;
}

export interface ParsedOrders {
  orders: FileOrder[];
  errors: LineError[];
}

/** `orders.csv:17: items.0.quantity must be at least 1` */
export function formatLineError(file: string, error: LineError): string {
  return error.line === undefined ? `${file}: ${error.message}` : `${file}:${error.line}: ${error.message}`;
}

/** `items.0.quantity must be at least 1; coupons is not a known field` */
export function describeFieldErrors(errors: FieldErrors): string {
  return Object.entries(errors)
    .map(([path, messages]) => (path === 'body' ? messages.join(', ') : `${path} ${messages.join(', ')}`))
    .join('; ');
}

/** Validates one order with the pipeline's own schema; `lineOfPath` places an error on another line (a CSV row of a group). */
export function validateOrder(value: unknown, line: number, lineOfPath: (path: string) => number = () => line): { order?: FileOrder; errors: LineError[] } {
  const parsed = parsePurchaseMessage(value);
  if (parsed.ok) return { order: { line, message: parsed.value }, errors: [] };
  const byLine = new Map<number, FieldErrors>();
  for (const [path, messages] of Object.entries(parsed.errors)) {
    const at = lineOfPath(path);
    byLine.set(at, { ...byLine.get(at), [path]: messages });
  }
  return { errors: [...byLine].sort(([a], [b]) => a - b).map(([at, errors]) => ({ line: at, message: describeFieldErrors(errors) })) };
}

/** Line numbers (1-based) of character offsets, for offsets in any order. */
export function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

export const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
