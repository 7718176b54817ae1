import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { purchaseOf } from '../../order/kinds/purchase.ts';
import { loadSpendingPolicy, SPENDING_POLICY_FILE } from '../../platform/policy-file.ts';
import type { SpendingPolicy } from '../../policy/spending-policy.ts';
import { type CliContext, errorMessage, UserError, writeLine } from '../context.ts';
import { buildDryRunReport, formatDryRunReport } from '../dry-run-report.ts';
import type { PlannedOrder } from '../file-batch.ts';
import { describeFacts, readAccountFacts } from '../hostinger-access.ts';
import type { LineError } from '../order-lines.ts';
import type { Target } from '../targets.ts';

export interface DryRunInput {
  name: string;
  /** `a new batch`, or `batch orders-5be0c1d7a93e (3 of its orders, sent before, left out)` */
  batch: string;
  /** The orders a submit would send (those sent before in the batch are left out). */
  planned: PlannedOrder[];
  errors: LineError[];
  target: Target;
  stateDir: string;
  apiUrl?: string;
  tokenSecret?: string;
  refreshCatalog: boolean;
}

/** The spending policy the stack applies: SPENDING_POLICY_FILE, or ./spending-policy.json; none when absent. */
function cliSpendingPolicy(ctx: CliContext): { policy?: SpendingPolicy; description: string } {
  const path = ctx.env.SPENDING_POLICY_FILE?.trim() || join(ctx.cwd, SPENDING_POLICY_FILE);
  if (!existsSync(path)) return { description: `spending policy: none found (${path}); its limits are not checked` };
  try {
    return { policy: loadSpendingPolicy(ctx.env, ctx.cwd), description: `spending policy: ${path} (budgets are checked against these orders alone)` };
  } catch (error) {
    throw new UserError(errorMessage(error));
  }
}

/**
 * `submit --dry-run`: every line checked against the catalog and the payment methods, and each VPS, domain and
 * renewal against the account (templates, data centres, availability, subscriptions); nothing is sent.
 */
export async function dryRun(ctx: CliContext, input: DryRunInput): Promise<number> {
  const purchases = input.planned.map((planned) => purchaseOf(planned.message));
  const facts = await readAccountFacts(ctx, input.target, {
    apiUrl: input.apiUrl,
    tokenSecret: input.tokenSecret,
    stateDir: input.stateDir,
    refreshCatalog: input.refreshCatalog,
    purchases,
  });
  const policy = cliSpendingPolicy(ctx);
  const report = buildDryRunReport(input.planned, input.errors, facts.prices, facts.paymentMethods, facts.kinds, policy.policy);
  const out = ctx.stdout;
  writeLine(out, `dry run of ${input.name}: ${report.orders} order${report.orders === 1 ? '' : 's'}, ${input.batch}; nothing is sent`);
  writeLine(out, `Hostinger API ${facts.apiUrl}: ${describeFacts(facts, ctx.now())}`);
  writeLine(out, policy.description);
  writeLine(out);
  writeLine(out, formatDryRunReport(report, input.name));
  writeLine(out);
  if (report.problems.length > 0) {
    const lines = new Set(report.problems.map((problem) => problem.line)).size;
    writeLine(out, `${lines} line${lines === 1 ? '' : 's'} with problems: fix ${lines === 1 ? 'it' : 'them'} before submitting`);
    return 1;
  }
  writeLine(out, `all ${report.orders} orders check out; submit without --dry-run to buy them`);
  return 0;
}
