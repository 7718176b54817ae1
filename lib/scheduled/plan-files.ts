import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlanError, parsePlan, planNameOf } from './plan.ts';
import type { ScheduledPlan } from './plan-schema.ts';

const PLAN_FILE = /\.(ya?ml|json)$/i;

/** Every plan under a directory, validated; all problems of all files are reported together. */
export async function loadAllPlans(dir: string): Promise<{ name: string; plan: ScheduledPlan }[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => PLAN_FILE.test(file)).sort();
  const problems: string[] = [];
  const plans: { name: string; plan: ScheduledPlan }[] = [];
  for (const file of files) {
    try {
      plans.push({ name: planNameOf(file), plan: parsePlan(join(dir, file), await readFile(join(dir, file), 'utf8')) });
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      problems.push(error.message);
    }
  }
  const names = plans.map(({ name }) => name);
  const twice = names.filter((name, index) => names.indexOf(name) !== index);
  if (twice.length > 0) problems.push(`${dir}: plan names must be unique, found twice: ${[...new Set(twice)].join(', ')}`);
  if (problems.length > 0) throw new PlanError(problems.join('\n'));
  return plans;
}

/**
 * Validates every plan under `sourceDir` and writes each as `<name>.json` to `outDir`: what the scheduled
 * function reads, so it carries no YAML parser. Returns the plans.
 */
export async function compilePlans(sourceDir: string, outDir: string): Promise<{ name: string; plan: ScheduledPlan }[]> {
  const plans = await loadAllPlans(sourceDir);
  await mkdir(outDir, { recursive: true });
  await Promise.all(plans.map(({ name, plan }) => writeFile(join(outDir, `${name}.json`), `${JSON.stringify(plan)}\n`)));
  return plans;
}
