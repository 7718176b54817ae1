import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCents } from '../policy/money.ts';
import { parseSpendingPolicy, type SpendingPolicy } from '../policy/spending-policy.ts';
import { ConfigError } from './config.ts';

export const SPENDING_POLICY_FILE = 'spending-policy.json';

/**
 * Reads the spending policy: SPENDING_POLICY_FILE, or spending-policy.json packaged next to the handler
 * (the repository's root locally). A missing or invalid file fails the cold start: a guardrail that is
 * silently off is worse than none.
 */
export function loadSpendingPolicy(env: Record<string, string | undefined> = process.env, root = env.LAMBDA_TASK_ROOT ?? process.cwd()): SpendingPolicy {
  const path = env.SPENDING_POLICY_FILE?.trim() || join(root, SPENDING_POLICY_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `the spending policy ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); set SPENDING_POLICY_FILE or package ${SPENDING_POLICY_FILE}`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new ConfigError(`the spending policy ${path} is not valid JSON`);
  }
  try {
    return parseSpendingPolicy(document, `the spending policy ${path}`);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/** One line saying which policy the functions apply and its budgets, for the local stack's start-up. */
export function describeSpendingPolicy(env: Record<string, string | undefined>, root = process.cwd()): string {
  const path = env.SPENDING_POLICY_FILE?.trim() || join(root, SPENDING_POLICY_FILE);
  const policy = loadSpendingPolicy(env, root);
  const budgets = Object.entries(policy.currencies ?? {}).flatMap(([currency, limits]) =>
    (['daily', 'monthly'] as const).flatMap((window) => (limits[window] === undefined ? [] : [`${currency} ${window} ${formatCents(limits[window], currency)}`])),
  );
  return `Spending policy: ${path} (${budgets.length > 0 ? `budgets: ${budgets.join(', ')}` : 'no budget'}; GET <Order API>/budget, docs/spending-policy.md)`;
}
