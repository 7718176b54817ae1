import { createBillingReader } from '../../hostinger/billing-reads.ts';
import { HostingerReadError } from '../../hostinger/billing-reader.ts';
import type { PlannedOrder } from '../file-batch.ts';
import { UserError, errorMessage, writeLine, type CliContext } from '../context.ts';
import { buildDryRunReport, formatDryRunReport } from '../dry-run-report.ts';
import { readCatalog, resolveHostingerApi } from '../hostinger-access.ts';
import type { LineError } from '../order-lines.ts';
import type { Target } from '../targets.ts';

export interface DryRunInput {
  name: string;
  batch: string;
  planned: PlannedOrder[];
  errors: LineError[];
  target: Target;
  stateDir: string;
  apiUrl?: string;
  tokenSecret?: string;
  refreshCatalog: boolean;
}

function ago(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}

/** `submit --dry-run`: every line checked against the catalog and the payment methods; nothing is sent. */
export async function dryRun(ctx: CliContext, input: DryRunInput): Promise<number> {
  const { apiUrl, token } = await resolveHostingerApi(ctx, input.target, { apiUrl: input.apiUrl, tokenSecret: input.tokenSecret });
  const reader = createBillingReader({ baseUrl: apiUrl, timeoutMs: 10_000 });
  const ttl = Number(ctx.env.CATALOG_CACHE_SECONDS ?? 600);
  let catalog: Awaited<ReturnType<typeof readCatalog>>;
  let paymentMethods: Awaited<ReturnType<typeof reader.paymentMethods>>;
  try {
    [catalog, paymentMethods] = await Promise.all([
      readCatalog(reader, { apiUrl, token, stateDir: input.stateDir, ttlSeconds: Number.isFinite(ttl) ? ttl : 600, refresh: input.refreshCatalog, now: ctx.now }),
      reader.paymentMethods(token),
    ]);
  } catch (error) {
    const why = error instanceof HostingerReadError ? error.message : `${errorMessage(error)} (is the API reachable?)`;
    throw new UserError(`could not read the catalog and payment methods from ${apiUrl}: ${why}`);
  }

  const report = buildDryRunReport(input.planned, input.errors, catalog.prices, paymentMethods);
  const out = ctx.stdout;
  writeLine(out, `dry run of ${input.name}: ${report.orders} order${report.orders === 1 ? '' : 's'}, batch ${input.batch}; nothing is sent`);
  writeLine(
    out,
    `Hostinger API ${apiUrl}: ${catalog.prices.length} catalog prices${catalog.cachedAt !== undefined ? ` (cached ${ago(ctx.now() - catalog.cachedAt)}; --refresh-catalog to read again)` : ''}, ${paymentMethods.length} payment methods`,
  );
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
