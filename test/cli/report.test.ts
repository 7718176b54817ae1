import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { buildDryRunReport, formatDryRunReport, formatMoney } from '../../lib/cli/dry-run-report.ts';
import { assignRequestIds } from '../../lib/cli/file-batch.ts';
import { readCatalog } from '../../lib/cli/hostinger-access.ts';
import type { FileOrder } from '../../lib/cli/order-lines.ts';
import { createProgressReporter, renderProgressBar, renderProgressLine } from '../../lib/cli/progress-bar.ts';
import type { CatalogPrice, PaymentMethod } from '../../lib/hostinger/billing-reader.ts';

const price = (id: string, currency: string, firstPeriodPrice: number, period = 1, periodUnit = 'month'): CatalogPrice => ({
  id,
  itemName: id.split('-').slice(1, 3).join(' '),
  currency,
  price: firstPeriodPrice * 2,
  firstPeriodPrice,
  period,
  periodUnit,
});
const CATALOG = [
  price('hostingercom-vps-kvm2-usd-1m', 'USD', 899),
  price('hostingercom-vps-kvm2-eur-1m', 'EUR', 849),
  price('hostingercom-domain-com-usd-1y', 'USD', 999, 1, 'year'),
];
const METHODS: PaymentMethod[] = [
  { id: 1327362, payment_method: 'card', is_default: true, is_expired: false, is_suspended: false },
  { id: 1327363, payment_method: 'paypal', is_default: false, is_expired: false, is_suspended: false },
  { id: 1327365, payment_method: 'card', is_default: false, is_expired: true, is_suspended: false },
  { id: 1327366, payment_method: 'paypal', is_default: false, is_expired: false, is_suspended: true },
];

const order = (line: number, items: [string, number][], paymentMethodId?: number): FileOrder => ({
  line,
  message: { items: items.map(([item_id, quantity]) => ({ item_id, quantity })), ...(paymentMethodId ? { payment_method_id: paymentMethodId } : {}) },
});

describe('dry-run report', () => {
  const orders = [
    order(2, [['hostingercom-vps-kvm2-usd-1m', 2]], 1327363),
    order(
      3,
      [
        ['hostingercom-vps-kvm2-eur-1m', 1],
        ['hostingercom-domain-com-usd-1y', 3],
      ],
      1327363,
    ),
    order(4, [['hostingercom-vps-kvm2-usd-1m', 1]]), // the default method: a card
    order(5, [['hostingercom-vps-kvm-usd-1m', 1]], 1327363), // mistyped
    order(6, [['hostingercom-vps-kvm2-usd-1m', 1]], 1327365), // expired
    order(7, [['hostingercom-vps-kvm2-usd-1m', 1]], 1327366), // suspended
    order(8, [['hostingercom-vps-kvm2-usd-1m', 1]], 999), // not the account's
  ];
  const { planned } = assignRequestIds(orders, 'b');
  const report = buildDryRunReport(planned, [{ line: 9, message: 'invalid JSON: x' }], CATALOG, METHODS);

  it('totals the first-period prices per currency, of the orders that would be bought only', () => {
    expect(report.totals).toEqual({ USD: 2 * 899 + 3 * 999 + 899, EUR: 849 });
    expect(report.buyable).toBe(3);
    expect(report.orders).toBe(8);
    expect(report.items).toEqual([
      expect.objectContaining({ itemId: 'hostingercom-vps-kvm2-eur-1m', quantity: 1, unitPrice: 849, subtotal: 849, currency: 'EUR' }),
      expect.objectContaining({ itemId: 'hostingercom-domain-com-usd-1y', quantity: 3, subtotal: 2997, period: '1 year' }),
      expect.objectContaining({ itemId: 'hostingercom-vps-kvm2-usd-1m', quantity: 3, subtotal: 2697, period: '1 month' }),
    ]);
  });

  it('names each line with a problem: a mistyped item id with the nearest ids, expired, suspended or unknown methods', () => {
    expect(report.problems).toEqual([
      { line: 5, message: expect.stringMatching(/^items\.0\.item_id is not in the Hostinger catalog; nearest: hostingercom-vps-kvm2-usd-1m/) },
      { line: 6, message: 'payment_method_id 1327365 has expired' },
      { line: 7, message: 'payment_method_id 1327366 is suspended' },
      { line: 8, message: expect.stringMatching(/^payment_method_id is not a payment method of this account/) },
      { line: 9, message: 'invalid JSON: x' },
    ]);
  });

  it('groups the card warnings with their lines', () => {
    expect(report.warnings).toEqual([{ message: expect.stringContaining('1327362 is a card'), lines: [4] }]);
  });

  it('prints problems, warnings, a table and the totals as 12.34 USD', () => {
    const text = formatDryRunReport(report, 'orders.jsonl');
    expect(text).toContain('orders.jsonl:5: items.0.item_id is not in the Hostinger catalog; nearest: hostingercom-vps-kvm2-usd-1m');
    expect(text).toContain('(1 order: line 4)');
    expect(text).toMatch(/hostingercom-domain-com-usd-1y .* 1 year +3 +9\.99 USD +29\.97 USD/);
    expect(text).toMatch(/total +8\.49 EUR\n +56\.94 USD$/);
  });

  it('formats cents', () => {
    expect(formatMoney(1234, 'USD')).toBe('12.34 USD');
    expect(formatMoney(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMoney(123456789, 'USD')).toBe('1234567.89 USD');
  });
});

describe('catalog cache', () => {
  it('reads the catalog once per API URL within the time to live, and again when asked', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'cli-cache-'));
    const reader = { catalogPrices: vi.fn(async () => CATALOG) };
    let clock = 1_000_000;
    const options = { apiUrl: 'http://sandbox', token: 't', stateDir, ttlSeconds: 600, refresh: false, now: () => clock };
    expect(await readCatalog(reader, options)).toEqual({ prices: CATALOG });
    clock += 60_000;
    expect(await readCatalog(reader, options)).toEqual({ prices: CATALOG, cachedAt: 1_000_000 });
    expect(reader.catalogPrices).toHaveBeenCalledTimes(1);
    await readCatalog(reader, { ...options, apiUrl: 'http://other' });
    await readCatalog(reader, { ...options, refresh: true });
    clock += 600_000;
    await readCatalog(reader, options);
    expect(reader.catalogPrices).toHaveBeenCalledTimes(4);
  });
});

describe('progress', () => {
  it('renders a bar with counts, percentage and rate', () => {
    expect(renderProgressBar({ done: 312, total: 500, elapsedMs: 215 }, 20)).toBe('[############........] 312/500 62% 1451/s');
    expect(renderProgressBar({ done: 0, total: 500, elapsedMs: 0 }, 10)).toBe('[..........] 0/500 0% 0/s');
    expect(renderProgressBar({ done: 500, total: 500, elapsedMs: 1000 }, 10)).toBe('[##########] 500/500 100% 500/s');
    expect(renderProgressLine({ done: 50, total: 200, elapsedMs: 2000 })).toBe('sent 50/200 (25%, 25/s)');
  });

  it('redraws in place on a terminal, and prints periodic lines elsewhere', () => {
    let clock = 0;
    const tty = {
      text: '',
      isTTY: true,
      columns: 80,
      write(s: string) {
        this.text += s;
      },
    };
    const bar = createProgressReporter(tty, 100, () => clock, { redrawMs: 100 });
    bar.update(10);
    clock = 50;
    bar.update(20); // too soon to redraw
    clock = 200;
    bar.update(100);
    bar.finish();
    expect(tty.text.split('\r').filter(Boolean)).toEqual([
      expect.stringMatching(/^\[#{4}\.{36}\] 10\/100 10% /),
      expect.stringMatching(/^\[#{40}\] 100\/100 100% 500\/s\x1b\[K$/),
      expect.stringMatching(/^\[#{40}\] 100\/100 100% 500\/s\x1b\[K\n$/),
    ]);

    const log = {
      text: '',
      write(s: string) {
        this.text += s;
      },
    };
    const lines = createProgressReporter(log, 100, () => clock, { lineEveryMs: 1000 });
    lines.update(10);
    clock = 700;
    lines.update(50);
    lines.finish();
    expect(log.text).toBe('sent 10/100 (10%, 0/s)\nsent 50/100 (50%, 100/s)\n');
  });
});

describe('follow', () => {
  it("reads order outcomes and batch events, and keeps a batch's requests", async () => {
    const { publishedFilter, readPublished } = await import('../../lib/cli/commands/follow.ts');
    const outcome = {
      version: 1,
      outcomeId: 'o-1',
      type: 'order.failed',
      status: 'failed',
      requestId: 'b-1:7',
      attempts: 2,
      order: null,
      error: { message: 'Service Unavailable', httpStatus: 503 },
      requestedAt: '2026-11-27T08:00:00Z',
      completedAt: '2026-11-27T08:00:01Z',
    };
    const event = { version: 1, outcomeId: 'batch.enqueued:r', type: 'batch.enqueued', plan: 'p', run: 'r', scheduledAt: 'x', size: 3, enqueuedAt: 'y' };
    expect(readPublished(JSON.stringify(outcome))).toEqual(outcome);
    expect(readPublished(JSON.stringify(event))).toEqual(event);
    expect(readPublished('{"type": "order.failed"}')).toBeUndefined();
    expect(readPublished('not json')).toBeUndefined();

    const parsed = readPublished(JSON.stringify(outcome));
    const parsedEvent = readPublished(JSON.stringify(event));
    if (!parsed || !parsedEvent) throw new Error('unreadable');
    expect(publishedFilter(undefined)(parsedEvent)).toBe(true);
    expect(publishedFilter(undefined)(parsed)).toBe(true);
    // A batch keeps its members, as its progress file records them; never by an id prefix.
    const members = (ids: string[]) => ({ has: (id: string) => ids.includes(id) });
    expect(publishedFilter(members(['b-1:7']))(parsed)).toBe(true);
    expect(publishedFilter(members(['b-1:7']))(parsedEvent)).toBe(false);
    expect(publishedFilter(members(['b-1:8', 'own-id']))(parsed)).toBe(false);
  });

  it("shows the outcomes a batch already has, in the batch's order and of the chosen types", async () => {
    const { outcomesAlreadyOut } = await import('../../lib/cli/commands/follow.ts');
    const outcome = (requestId: string, type: 'order.succeeded' | 'order.failed') => ({ outcomeId: `o-${requestId}`, requestId, type });
    const records = new Map([
      ['b', { status: 'succeeded', outcome: outcome('b', 'order.succeeded') }],
      ['a', { status: 'failed', outcome: outcome('a', 'order.failed') }],
      ['c', { status: 'submitting' }],
    ]);
    const asked: string[][] = [];
    const read = async (ids: string[]) => {
      asked.push(ids);
      return records as never;
    };
    expect((await outcomesAlreadyOut(read, ['a', 'b', 'c', 'd'], [])).map((o) => o.requestId)).toEqual(['a', 'b']);
    expect((await outcomesAlreadyOut(read, ['a', 'b', 'c'], ['order.succeeded'])).map((o) => o.requestId)).toEqual(['b']);
    expect(await outcomesAlreadyOut(read, [], [])).toEqual([]);
    expect(asked).toEqual([
      ['a', 'b', 'c', 'd'],
      ['a', 'b', 'c'],
    ]);
  });
});

describe('outcome lines', () => {
  it('give the error with its field-level reasons, as status does', async () => {
    const { formatOutcome } = await import('../../lib/cli/outcome-lines.ts');
    const base = { version: 1, outcomeId: 'o', requestId: 'r-1', attempts: 0, order: null, requestedAt: '', completedAt: '' } as const;
    expect(
      formatOutcome({
        ...base,
        type: 'order.rejected',
        status: 'rejected',
        error: { message: 'the order does not match the Hostinger catalog or the account', fieldErrors: { 'items.0.item_id': ['is not in the Hostinger catalog'] } },
      }),
    ).toBe('order.rejected  request=r-1 attempts=0 error=the order does not match the Hostinger catalog or the account: items.0.item_id is not in the Hostinger catalog');
    expect(formatOutcome({ ...base, type: 'order.failed', status: 'failed', error: { message: 'Service Unavailable', httpStatus: 503 } })).toBe(
      'order.failed    request=r-1 attempts=0 error=503 Service Unavailable',
    );
  });
});

describe('dry-run report with a spending policy', () => {
  it('uses the quote: orders the policy refuses are problems, held ones and a file over a budget are warnings', async () => {
    const { parseSpendingPolicy } = await import('../../lib/policy/spending-policy.ts');
    const policy = parseSpendingPolicy({ currencies: { USD: { maxOrderTotal: 2000, approvalAbove: 1000, daily: 3000 } } });
    const { planned } = assignRequestIds(
      [
        order(2, [['hostingercom-vps-kvm2-usd-1m', 3]], 1327363),
        order(3, [['hostingercom-domain-com-usd-1y', 2]], 1327363),
        order(4, [['hostingercom-vps-kvm2-usd-1m', 1]], 1327363),
        order(5, [['hostingercom-domain-com-usd-1y', 2]], 1327363),
      ],
      'p',
    );
    const report = buildDryRunReport(planned, [], CATALOG, METHODS, {}, policy);
    expect(report.problems).toEqual([{ line: 2, message: expect.stringContaining('refused by the spending policy: currencies.USD.maxOrderTotal: the order costs 26.97 USD') }]);
    expect(report.buyable).toBe(3);
    expect(report.warnings).toEqual([
      { message: 'would wait for approval (currencies.USD.approvalAbove)', lines: [3, 5] },
      {
        message: 'together these orders cost 48.95 USD, more than the currencies.USD.daily budget of 30.00 USD even with nothing else spent: the last ones would be rejected',
        lines: [],
      },
    ]);
    expect(formatDryRunReport(report, 'f.json')).toContain('  together these orders cost 48.95 USD');
  });
});
