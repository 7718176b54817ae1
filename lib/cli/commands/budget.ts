import { parseCommandArgs } from '../args.ts';
import { type CliContext, UserError, usageError, writeLine } from '../context.ts';
import { formatMoney } from '../dry-run-report.ts';
import { orderApi } from '../order-api.ts';

export const BUDGET_OPTIONS = { 'api-url': { type: 'string' }, as: { type: 'string' }, json: { type: 'boolean' } } as const;

interface Standing {
  currency: string;
  window: string;
  limit: number;
  used: number;
  left: number;
  usedPercent: number;
  usedByCaller?: number;
}

/** `budget`: what GET /budget answers, one line per budget. */
export async function budgetCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('budget', args, BUDGET_OPTIONS);
  if (positionals.length > 0) throw usageError('budget takes no arguments: hostinger-orders budget [--api-url <url>]');
  const api = orderApi(ctx, { apiUrl: values['api-url'], as: values.as });
  const { status, json } = await api.request('GET', '/budget');
  if (status !== 200) throw new UserError(`GET ${api.url}/budget answered ${status}: ${String(json.message ?? '')}`);
  if (values.json) {
    writeLine(ctx.stdout, JSON.stringify(json, null, 2));
    return 0;
  }
  const budgets = (json.budgets ?? []) as Standing[];
  if (budgets.length === 0) {
    writeLine(ctx.stdout, 'the spending policy sets no budget (spending-policy.json)');
    return 0;
  }
  for (const b of budgets) {
    writeLine(
      ctx.stdout,
      `${b.currency} ${b.window.padEnd(7)} used ${formatMoney(b.used, b.currency).padStart(14)} of ${formatMoney(b.limit, b.currency).padStart(14)} (${b.usedPercent}%), left ${formatMoney(b.left, b.currency)}; by you ${formatMoney(b.usedByCaller ?? 0, b.currency)}`,
    );
  }
  return 0;
}
