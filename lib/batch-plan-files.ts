import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePlan, planNameOf, PlanError, type BatchPlan } from './batch-plan.ts';

const PLAN_FILE = /\.(ya?ml|json)$/i;

/** Every plan under a directory, validated; all problems of all files are reported together. */
export async function loadAllPlans(dir: string): Promise<{ name: string; plan: BatchPlan }[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => PLAN_FILE.test(file)).sort();
  const problems: string[] = [];
  const plans: { name: string; plan: BatchPlan }[] = [];
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

/** One plan by name, as the scheduled function reads it from its package. */
export async function loadPlan(dir: string, name: string): Promise<BatchPlan> {
  planNameOf(`${name}.yaml`);
  for (const extension of ['yaml', 'yml', 'json']) {
    const file = join(dir, `${name}.${extension}`);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) return parsePlan(file, text);
  }
  throw new PlanError(`no batch plan named ${name} in ${dir}`);
}
