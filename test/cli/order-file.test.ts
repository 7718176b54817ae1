import { describe, expect, it } from 'vitest';
import { parseCsvOrders } from '../../lib/cli/csv-orders.ts';
import { arrayElementStarts, parseJsonArray, parseJsonLines } from '../../lib/cli/json-orders.ts';
import { formatOf, parseOrderFile } from '../../lib/cli/order-file.ts';
import { formatLineError, lineLocator } from '../../lib/cli/order-lines.ts';

const KVM2 = 'hostingercom-vps-kvm2-usd-1m';
const DOMAIN = 'hostingercom-domain-com-usd-1y';
const order = (itemId = KVM2, extra: Record<string, unknown> = {}) => JSON.stringify({ items: [{ item_id: itemId, quantity: 1 }], ...extra });

describe('file formats', () => {
  it('are told by the extension', () => {
    expect(formatOf('a/orders.CSV')).toBe('csv');
    expect(formatOf('orders.json')).toBe('json');
    expect(formatOf('orders.jsonl')).toBe('jsonl');
    expect(formatOf('orders.ndjson')).toBe('jsonl');
    expect(formatOf('orders.txt')).toBeUndefined();
  });

  it('line locator maps offsets to 1-based lines', () => {
    const lineOf = lineLocator('ab\ncd\n\nef');
    expect([0, 2, 3, 6, 7, 8].map(lineOf)).toEqual([1, 1, 2, 3, 4, 4]);
  });
});

describe('JSONL', () => {
  it('reads one order per line, skipping blank lines, with the line numbers of the file', () => {
    const text = `${order()}\n\n${order(DOMAIN, { requestId: 'mine-1' })}\r\n   \n${order()}\n`;
    const parsed = parseJsonLines(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.orders.map((o) => o.line)).toEqual([1, 3, 5]);
    expect(parsed.orders[1]?.message).toEqual({ items: [{ item_id: DOMAIN, quantity: 1 }], requestId: 'mine-1' });
  });

  it('names the line of bad JSON, and of every invalid order', () => {
    const lines = [
      order(),
      order(),
      order(),
      order(),
      order(),
      order(),
      '{"items": [{"item_id": "x",}]}',
      order(),
      '{"items": [{"item_id": "x", "quantity": 0}], "colour": "red"}',
      '[1]',
    ];
    const parsed = parseJsonLines(lines.join('\n'));
    expect(parsed.errors.map((e) => formatLineError('orders.jsonl', e))).toEqual([
      expect.stringMatching(/^orders\.jsonl:7: invalid JSON: /),
      'orders.jsonl:9: items.0.quantity must be at least 1; colour is not a known field',
      'orders.jsonl:10: must be a JSON object',
    ]);
    expect(parsed.orders.map((o) => o.line)).toEqual([1, 2, 3, 4, 5, 6, 8]);
  });

  it('strips a byte-order mark', () => {
    expect(parseJsonLines(`\uFEFF${order()}`).orders).toHaveLength(1);
  });
});

describe('JSON', () => {
  it('reads an array of orders, each numbered by the line it starts on', () => {
    const text = `[\n  ${order()},\n  {\n    "items": [{"item_id": "${DOMAIN}"}],\n    "coupons": ["A [B], {C}"]\n  },\n  ${order()}\n]\n`;
    const parsed = parseJsonArray(text);
    // Brackets and commas inside strings do not move the count (the schema refuses such a coupon, on its line).
    expect(parsed.errors).toEqual([{ line: 3, message: expect.stringMatching(/^coupons\.0 may contain only/) }]);
    expect(parsed.orders.map((o) => o.line)).toEqual([2, 7]);
    expect(parseJsonArray(text.replace('A [B], {C}', 'SPRING 10')).orders.map((o) => o.line)).toEqual([2, 3, 7]);
  });

  it('locates array elements through strings with brackets, commas and escaped quotes', () => {
    const text = '[{"a": "x,]\\"{"}, [1, [2]],\n"s", 3]';
    expect(arrayElementStarts(text)).toEqual([1, 18, 28, 33]);
  });

  it('names the line of a syntax error, positioned by V8 or not', () => {
    const missingComma = `[\n${order()}\n${order()}\n]`;
    expect(parseJsonArray(missingComma).errors).toEqual([{ line: 3, message: expect.stringMatching(/^invalid JSON: /) }]);
    const badToken = `[\n${order()},\n{"items": [{"item_id": tru}]}\n]`;
    const [error] = parseJsonArray(badToken).errors;
    expect(error).toEqual({ line: 3, message: expect.stringMatching(/^invalid JSON: /) });
    expect(error?.message).not.toContain('item_id'); // V8's copy of the input is left out
  });

  it('refuses a file that is not an array, and names invalid elements', () => {
    expect(parseJsonArray(order()).errors).toEqual([{ line: 1, message: expect.stringContaining('must be a JSON array') }]);
    const parsed = parseJsonArray(`[\n${order()},\n${order('bad id')}\n]`);
    expect(parsed.errors).toEqual([{ line: 3, message: expect.stringMatching(/^items\.0\.item_id may contain only/) }]);
  });
});

describe('CSV', () => {
  it('reads one order per row, with quoted commas, coupons split on ";" and numbers converted', () => {
    const text = ['item_id,quantity,payment_method_id,coupons,requestId', `${KVM2},2,1327362,"WELCOME; SPRING 10",`, `"${DOMAIN}",,,,fleet-7`, '', `${KVM2}, 3 ,,,"my-id,7"`].join(
      '\r\n',
    );
    const parsed = parseCsvOrders(text);
    // The quoted comma stays inside its value (which the schema then refuses), and moves no column.
    expect(parsed.errors).toEqual([{ line: 5, message: expect.stringMatching(/^requestId may contain only/) }]);
    expect(parsed.orders).toEqual([
      { line: 2, message: { payment_method_id: 1327362, items: [{ item_id: KVM2, quantity: 2 }], coupons: ['WELCOME', 'SPRING 10'] } },
      { line: 3, message: { items: [{ item_id: DOMAIN, quantity: 1 }], requestId: 'fleet-7' } },
    ]);
    expect(parseCsvOrders(`item_id,quantity,requestId\n${KVM2}, 3 ,"a,b"`).errors).toEqual([{ line: 2, message: expect.stringMatching(/^requestId /) }]);
  });

  it('names the line of a bad quantity, a row with a missing column and an unquoted comma', () => {
    const text = ['item_id,quantity,payment_method_id', `${KVM2},1,1327362`, `${KVM2},0,1327362`, `${KVM2},two,1327362`, `${KVM2},1`, `${KVM2},1,13,27`, `${KVM2},1.5,`].join('\n');
    const parsed = parseCsvOrders(text);
    expect(parsed.errors.map((e) => formatLineError('orders.csv', e))).toEqual([
      'orders.csv:3: items.0.quantity must be at least 1',
      'orders.csv:4: items.0.quantity must be an integer',
      'orders.csv:5: has 2 values, the header has 3 (a value containing a comma must be in double quotes)',
      'orders.csv:6: has 4 values, the header has 3 (a value containing a comma must be in double quotes)',
      'orders.csv:7: items.0.quantity must be an integer',
    ]);
    expect(parsed.orders.map((o) => o.line)).toEqual([2]);
  });

  it('names the line a quoted value opens on when it is never closed, after multi-line values', () => {
    const text = ['item_id,coupons', `${KVM2},"multi`, 'line"', `${KVM2},"never closed`, `${KVM2},x`].join('\n');
    expect(parseCsvOrders(text).errors).toEqual([
      { line: 2, message: expect.stringMatching(/^coupons\.0 may contain only/) }, // the value holds a line break
      { line: 4, message: expect.stringContaining('never closed') },
    ]);
  });

  it('reports every problem of the file in one run, however many syntax errors come before the others', () => {
    const text = [
      'item_id,quantity',
      `${KVM2},1`,
      `"${DOMAIN},1`, // never closed
      `${KVM2},0`,
      `${KVM2},1,extra`,
      `${KVM2},"2"x`, // characters after a closing quote
      `${DOMAIN},2`,
      `${KVM2},two`,
    ].join('\n');
    const parsed = parseCsvOrders(text);
    expect(parsed.errors.map((e) => formatLineError('orders.csv', e))).toEqual([
      'orders.csv:3: invalid CSV: a quoted value is never closed (a missing double quote)',
      'orders.csv:4: items.0.quantity must be at least 1',
      'orders.csv:5: has 3 values, the header has 2 (a value containing a comma must be in double quotes)',
      'orders.csv:6: invalid CSV: a double quote inside a value must be doubled ("") and the value quoted',
      'orders.csv:8: items.0.quantity must be an integer',
    ]);
    expect(parsed.orders.map((o) => o.line)).toEqual([2, 7]);
  });

  it('checks the header: unknown and duplicate columns, no item_id', () => {
    expect(parseCsvOrders('item_id,qty\nx,1').errors).toEqual([{ line: 1, message: expect.stringContaining('unknown column "qty"') }]);
    expect(parseCsvOrders('item_id,item_id\nx,y').errors).toEqual([{ line: 1, message: 'column "item_id" appears twice' }]);
    expect(parseCsvOrders('quantity\n1').errors).toEqual([{ line: 1, message: 'the header row has no item_id column' }]);
  });

  it('makes one order of the rows of a group, placing item errors on their own row', () => {
    const text = ['item_id,quantity,payment_method_id,group', `${KVM2},1,1327362,a`, `${DOMAIN},1,,b`, `${DOMAIN},2,,a`, `bad id,1,,a`, `${KVM2},1,1327363,a`].join('\n');
    const parsed = parseCsvOrders(text);
    expect(parsed.errors).toEqual([
      { line: 5, message: expect.stringMatching(/^items\.2\.item_id may contain only/) },
      { line: 6, message: 'payment_method_id differs from the one given on line 2 for group "a"' },
    ]);
    const fine = parseCsvOrders(['item_id,quantity,payment_method_id,group', `${KVM2},1,1327362,a`, `${DOMAIN},1,,b`, `${DOMAIN},2,,a`].join('\n'));
    expect(fine.orders).toEqual([
      {
        line: 2,
        message: {
          payment_method_id: 1327362,
          items: [
            { item_id: KVM2, quantity: 1 },
            { item_id: DOMAIN, quantity: 2 },
          ],
        },
      },
      { line: 3, message: { items: [{ item_id: DOMAIN, quantity: 1 }] } },
    ]);
  });

  it('dispatches by format', () => {
    expect(parseOrderFile(`item_id\n${KVM2}\n`, 'csv').orders).toHaveLength(1);
    expect(parseOrderFile(`[${order()}]`, 'json').orders).toHaveLength(1);
    expect(parseOrderFile(`${order()}\n${order()}`, 'jsonl').orders).toHaveLength(2);
  });
});
