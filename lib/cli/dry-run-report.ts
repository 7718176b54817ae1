import { checkBeforeBuying, type KindFacts, renewalPrice } from '../catalog/purchase-precheck.ts';
import type { CatalogPrice, PaymentMethod } from '../hostinger/billing-reader.ts';
import { asOrder, kindOf, purchaseOf } from '../order/kinds/purchase.ts';
import { checkBudgets } from '../policy/evaluate.ts';
import { quoteOrder } from '../policy/quote.ts';
import { NO_LIMITS, type SpendingPolicy } from '../policy/spending-policy.ts';
import { formatRangesBrief, type PlannedOrder } from './file-batch.ts';
import { describeFieldErrors, formatLineError, type LineError } from './order-lines.ts';

/** What a dry run found: problems per line, grouped warnings, and what would be bought at catalog prices. */
export interface DryRunReport {
  orders: number;
  /** Orders that pass every check: what would be bought. */
  buyable: number;
  problems: LineError[];
  warnings: { message: string; lines: number[] }[];
  items: { itemId: string; name: string; period: string; currency: string; quantity: number; unitPrice: number; subtotal: number }[];
  /** First-period prices, in cents, per currency (before VAT and coupons). */
  totals: Record<string, number>;
}

/** `1 month`, `12 months`, `1 year` */
const periodOf = (price: CatalogPrice) => `${price.period} ${price.periodUnit}${price.period === 1 || price.periodUnit.endsWith('s') ? '' : 's'}`;

/**
 * Checks every purchase as POST /quotes does (quoteOrder: the catalog, the account's payment methods and the
 * spending policy's own limits), and a VPS, domain or renewal against what the account and Hostinger show
 * for it (pure: all are given). Budgets depend on what is spent when the orders arrive: the file's total
 * against each budget is a warning.
 */
export function buildDryRunReport(
  orders: PlannedOrder[],
  invalid: LineError[],
  prices: CatalogPrice[],
  paymentMethods: PaymentMethod[],
  kindFacts: KindFacts = {},
  policy: SpendingPolicy = NO_LIMITS,
): DryRunReport {
  const priceById = new Map(prices.map((price) => [price.id, price]));
  const problems = [...invalid];
  const warnings = new Map<string, number[]>();
  const items = new Map<string, DryRunReport['items'][number]>();
  const totals: Record<string, number> = {};
  let buyable = 0;
  for (const planned of orders) {
    const purchase = purchaseOf(planned.message);
    const order = asOrder(purchase);
    const check = quoteOrder({ order, kind: kindOf(purchase), prices: priceById, paymentMethods, policy, usage: {} });
    const byKind = checkBeforeBuying(purchase, kindFacts);
    const errors = { ...check.errors, ...byKind.errors };
    if (Object.keys(errors).length > 0) {
      problems.push({ line: planned.line, message: describeFieldErrors(errors) });
      continue;
    }
    if (check.policy.verdict === 'rejected') {
      problems.push({ line: planned.line, message: `refused by the spending policy: ${check.policy.violations.map((violation) => violation.message).join('; ')}` });
      continue;
    }
    buyable++;
    const held = check.policy.verdict === 'needs_approval' ? [`would wait for approval (${check.policy.approvalReasons.map((reason) => reason.split(':')[0]).join(', ')})`] : [];
    for (const warning of [...check.warnings, ...byKind.warnings, ...held]) warnings.set(warning, [...(warnings.get(warning) ?? []), planned.line]);
    const renewal = renewalPrice(purchase, kindFacts.subscriptions);
    if (renewal && purchase.kind === 'renewal') {
      const id = `renewal:${purchase.subscription_id}`;
      const row = items.get(id) ?? { itemId: id, name: renewal.name, period: 'renewal', currency: renewal.currency, quantity: 0, unitPrice: renewal.cents, subtotal: 0 };
      row.quantity += 1;
      row.subtotal += renewal.cents;
      items.set(id, row);
      totals[renewal.currency] = (totals[renewal.currency] ?? 0) + renewal.cents;
    } else if (purchase.kind === 'renewal') {
      warnings.set('renewal price unknown: the subscriptions list gives none', [...(warnings.get('renewal price unknown: the subscriptions list gives none') ?? []), planned.line]);
    }
    for (const item of order.items) {
      const price = priceById.get(item.item_id) as CatalogPrice;
      const row = items.get(item.item_id) ?? {
        itemId: item.item_id,
        name: price.itemName,
        period: periodOf(price),
        currency: price.currency,
        quantity: 0,
        unitPrice: price.firstPeriodPrice,
        subtotal: 0,
      };
      row.quantity += item.quantity;
      row.subtotal += price.firstPeriodPrice * item.quantity;
      items.set(item.item_id, row);
    }
    for (const [currency, cents] of Object.entries(check.totals)) totals[currency] = (totals[currency] ?? 0) + cents;
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const overBudget = checkBudgets(policy, totals, {}).map((violation) => ({
    message: `together these orders cost ${formatMoney(violation.amountCents ?? 0, violation.currency ?? '')}, more than the ${violation.limit} budget of ${formatMoney(violation.limitCents ?? 0, violation.currency ?? '')} even with nothing else spent: the last ones would be rejected`,
    lines: [],
  }));
  return {
    orders: orders.length + new Set(invalid.flatMap((error) => (error.line === undefined ? [] : [error.line]))).size,
    buyable,
    problems,
    warnings: [...[...warnings].map(([message, lines]) => ({ message, lines })), ...overBudget],
    items: [...items.values()].sort((a, b) => a.currency.localeCompare(b.currency) || a.itemId.localeCompare(b.itemId)),
    totals,
  };
}

/** Cents as `12.34 USD`. */
export function formatMoney(cents: number, currency: string): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

const MAX_PROBLEMS_SHOWN = 50;

export function formatDryRunReport(report: DryRunReport, file: string): string {
  const out: string[] = [];
  if (report.problems.length > 0) {
    const lines = new Set(report.problems.map((problem) => problem.line));
    out.push(`problems (${lines.size} line${lines.size === 1 ? '' : 's'}; nothing would be sent until they are fixed):`);
    for (const problem of report.problems.slice(0, MAX_PROBLEMS_SHOWN)) out.push(`  ${formatLineError(file, problem)}`);
    if (report.problems.length > MAX_PROBLEMS_SHOWN) out.push(`  … and ${report.problems.length - MAX_PROBLEMS_SHOWN} more`);
    out.push('');
  }
  if (report.warnings.length > 0) {
    out.push('warnings:');
    for (const { message, lines } of report.warnings) {
      out.push(
        lines.length === 0
          ? `  ${message}`
          : `  ${message} (${lines.length} order${lines.length === 1 ? '' : 's'}: line${lines.length === 1 ? '' : 's'} ${formatRangesBrief(lines)})`,
      );
    }
    out.push('');
  }
  if (report.items.length === 0) {
    out.push('nothing would be bought');
    return out.join('\n');
  }
  out.push(`would buy (${report.buyable} of ${report.orders} orders; first-period catalog prices, before VAT and coupons):`);
  const rows = report.items.map((item) => [
    item.itemId,
    item.name,
    item.period,
    String(item.quantity),
    formatMoney(item.unitPrice, item.currency),
    formatMoney(item.subtotal, item.currency),
  ]);
  const headings = ['item', 'name', 'period', 'quantity', 'unit price', 'subtotal'];
  const widths = headings.map((heading, column) => Math.max(heading.length, ...rows.map((row) => (row[column] ?? '').length)));
  const rightAligned = new Set([3, 4, 5]);
  const format = (row: string[]) =>
    `  ${row.map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ')}`.trimEnd();
  out.push(format(headings));
  for (const row of rows) out.push(format(row));
  const totalWidth = widths.reduce((sum, width) => sum + width + 2, 0);
  Object.entries(report.totals)
    .sort(([a], [b]) => a.localeCompare(b))
    .forEach(([currency, cents], index) => {
      const label = index === 0 ? 'total' : '';
      const amount = formatMoney(cents, currency);
      out.push(`  ${label.padEnd(totalWidth - amount.length - 2)}${amount}`);
    });
  return out.join('\n');
}
