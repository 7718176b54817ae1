import { CsvError, parse } from 'csv-parse/sync';
import { type FileOrder, type LineError, type ParsedOrders, stripBom, validateOrder } from './order-lines.ts';

/**
 * CSV order files (RFC 4180: a header row, values with commas or quotes in double quotes). A row is one
 * order with one item; rows sharing a `group` value make one order with several items.
 */
export const CSV_COLUMNS = ['item_id', 'quantity', 'payment_method_id', 'coupons', 'requestId', 'group'] as const;
type Column = (typeof CSV_COLUMNS)[number];

interface CsvRecord {
  fields: string[];
  line: number;
}

const CSV_SYNTAX: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed (a missing double quote)',
  CSV_INVALID_CLOSING_QUOTE: 'a double quote inside a value must be doubled ("") and the value quoted',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unexpected characters after a closing double quote',
};

/**
 * Records with the line each starts on. A syntax error names the line of the record it is in, and reading
 * goes on from the next line, so one unclosed quote does not hide the problems of every line after it.
 */
function readRecords(text: string): { records: CsvRecord[]; errors: LineError[] } {
  const lines = text.split('\n');
  const records: CsvRecord[] = [];
  const errors: LineError[] = [];
  let from = 0; // lines before the part being read
  while (from < lines.length) {
    const base = from;
    let lastEnd = 0;
    try {
      parse(lines.slice(base).join('\n'), {
        relax_column_count: true,
        skip_empty_lines: false,
        trim: true,
        on_record: (fields: string[], context) => {
          records.push({ fields, line: base + lastEnd + 1 });
          lastEnd = context.lines;
          return null;
        },
      });
      break;
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      const line = base + lastEnd + 1;
      // A quote opened on this line and "closed" by one on a later line is, far more likely, never closed.
      const errorLines = (error as unknown as { lines?: unknown }).lines;
      const spansLines = typeof errorLines === 'number' && base + errorLines > line;
      const opensQuote = ((lines[line - 1] ?? '').match(/"/g)?.length ?? 0) % 2 === 1;
      const code = spansLines && opensQuote ? 'CSV_QUOTE_NOT_CLOSED' : error.code;
      errors.push({ line, message: `invalid CSV: ${CSV_SYNTAX[code] ?? error.message}` });
      from = line;
    }
  }
  return { records, errors };
}

const isBlank = (record: CsvRecord) => record.fields.every((field) => field === '');

/** Numbers stay numbers for the schema to judge ("1.5" must be an integer); anything else goes as text ("two" must be an integer). */
const numeric = (value: string) => (/^[+-]?\d+(\.\d+)?$/.test(value) ? Number(value) : value);

interface Draft {
  line: number;
  value: Record<string, unknown> & { items: Record<string, unknown>[] };
  itemLines: number[];
  /** For a group: the line each order-level field was first given on. */
  givenOn: Partial<Record<'payment_method_id' | 'coupons' | 'requestId', number>>;
}

export function parseCsvOrders(text: string): ParsedOrders {
  const { records, errors } = readRecords(stripBom(text).replace(/\r\n?/g, '\n'));
  const nonBlank = records.filter((record) => !isBlank(record));
  const header = nonBlank[0];
  if (!header) return { orders: [], errors };

  const index = new Map<Column, number>();
  header.fields.forEach((name, position) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      errors.push({ line: header.line, message: `unknown column "${name}" (columns: ${CSV_COLUMNS.join(', ')})` });
    } else if (index.has(name as Column)) {
      errors.push({ line: header.line, message: `column "${name}" appears twice` });
    } else {
      index.set(name as Column, position);
    }
  });
  if (!index.has('item_id')) errors.push({ line: header.line, message: 'the header row has no item_id column' });
  if (errors.some((error) => error.line === header.line)) return { orders: [], errors };

  const drafts: Draft[] = [];
  const groups = new Map<string, Draft>();
  for (const record of nonBlank.slice(1)) {
    if (record.fields.length !== header.fields.length) {
      errors.push({
        line: record.line,
        message: `has ${record.fields.length} value${record.fields.length === 1 ? '' : 's'}, the header has ${header.fields.length} (a value containing a comma must be in double quotes)`,
      });
      continue;
    }
    const get = (column: Column) => {
      const at = index.get(column);
      return at === undefined ? '' : (record.fields[at] ?? '');
    };
    const item: Record<string, unknown> = { item_id: get('item_id') };
    if (get('quantity') !== '') item.quantity = numeric(get('quantity'));
    const fields: Partial<Record<'payment_method_id' | 'coupons' | 'requestId', unknown>> = {};
    if (get('payment_method_id') !== '') fields.payment_method_id = numeric(get('payment_method_id'));
    const coupons = get('coupons')
      .split(';')
      .map((coupon) => coupon.trim())
      .filter((coupon) => coupon !== '');
    if (coupons.length > 0) fields.coupons = coupons;
    if (get('requestId') !== '') fields.requestId = get('requestId');

    const groupName = get('group');
    const existing = groupName === '' ? undefined : groups.get(groupName);
    if (!existing) {
      const draft: Draft = { line: record.line, value: { ...fields, items: [item] }, itemLines: [record.line], givenOn: {} };
      for (const key of Object.keys(fields) as (keyof typeof fields)[]) draft.givenOn[key] = record.line;
      drafts.push(draft);
      if (groupName !== '') groups.set(groupName, draft);
      continue;
    }
    existing.value.items.push(item);
    existing.itemLines.push(record.line);
    for (const [key, value] of Object.entries(fields) as [keyof typeof fields, unknown][]) {
      const first = existing.givenOn[key];
      if (first === undefined) {
        existing.value[key] = value;
        existing.givenOn[key] = record.line;
      } else if (JSON.stringify(existing.value[key]) !== JSON.stringify(value)) {
        errors.push({ line: record.line, message: `${key} differs from the one given on line ${first} for group "${groupName}"` });
      }
    }
  }

  const orders: FileOrder[] = [];
  for (const draft of drafts) {
    const lineOfPath = (path: string) => {
      const item = /^items\.(\d+)(\.|$)/.exec(path);
      return (item && draft.itemLines[Number(item[1])]) || draft.line;
    };
    const checked = validateOrder(draft.value, draft.line, lineOfPath);
    if (checked.order) orders.push(checked.order);
    errors.push(...checked.errors);
  }
  errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { orders, errors };
}
