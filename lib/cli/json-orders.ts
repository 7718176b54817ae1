import { type FileOrder, type LineError, lineLocator, type ParsedOrders, stripBom, validateOrder } from './order-lines.ts';

/** V8's JSON.parse message, without the copy of the input some of them quote, and its position when it gives one. */
function jsonProblem(error: unknown): { message: string; position?: number } {
  const raw = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(raw);
  const message = raw
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/^Unexpected end of JSON input$/, 'the JSON ends too early');
  return { message, ...(position ? { position: Number(position[1]) } : {}) };
}

export function parseJsonLines(text: string): ParsedOrders {
  const orders: FileOrder[] = [];
  const errors: LineError[] = [];
  stripBom(text)
    .split('\n')
    .forEach((raw, index) => {
      const line = index + 1;
      const content = raw.trim();
      if (content === '') return;
      let value: unknown;
      try {
        value = JSON.parse(content);
      } catch (error) {
        errors.push({ line, message: `invalid JSON: ${jsonProblem(error).message}` });
        return;
      }
      const checked = validateOrder(value, line);
      if (checked.order) orders.push(checked.order);
      errors.push(...checked.errors);
    });
  return { orders, errors };
}

/**
 * Where each element of a top-level JSON array starts (character offsets). Tolerant of malformed input:
 * it only follows strings and nesting, so it also locates the element a syntax error is in.
 */
export function arrayElementStarts(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let inString = false;
  let expectingElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (depth === 1 && expectingElement && c !== ']') {
      starts.push(i);
      expectingElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectingElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectingElement = true;
  }
  return starts;
}

/** Finds the line of a syntax error V8 did not place: the first array element that does not parse on its own. */
function locateJsonError(text: string, lineOf: (offset: number) => number): number | undefined {
  const starts = arrayElementStarts(text);
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k] as number;
    const end = starts[k + 1] ?? text.lastIndexOf(']');
    const element = text.slice(start, end > start ? end : undefined).replace(/[\s,\]]*$/, '');
    try {
      JSON.parse(element);
    } catch (error) {
      const { position } = jsonProblem(error);
      return lineOf(start + (position ?? 0));
    }
  }
  return undefined;
}

export function parseJsonArray(text: string): ParsedOrders {
  const source = stripBom(text);
  const lineOf = lineLocator(source);
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    const { message, position } = jsonProblem(error);
    const line = position !== undefined ? lineOf(Math.min(position, source.length - 1)) : locateJsonError(source, lineOf);
    return { orders: [], errors: [{ ...(line !== undefined ? { line } : {}), message: `invalid JSON: ${message}` }] };
  }
  if (!Array.isArray(value)) return { orders: [], errors: [{ line: 1, message: 'must be a JSON array of orders (or use .jsonl for one order per line)' }] };
  const starts = arrayElementStarts(source);
  const orders: FileOrder[] = [];
  const errors: LineError[] = [];
  value.forEach((element, index) => {
    const start = starts[index];
    const checked = validateOrder(element, start === undefined ? 1 : lineOf(start));
    if (checked.order) orders.push(checked.order);
    errors.push(...checked.errors);
  });
  return { orders, errors };
}
