import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PLAN_NAME_PATTERN, PlanError, type ScheduledPlan, scheduledPlanSchema } from './plan-schema.ts';

/** Where plans compiled when packaging (`serverless-batches.cjs`) are found, relative to the package root. */
export const COMPILED_PLANS_FOLDER = '.batches-compiled';

/** One plan, compiled to JSON (and validated) when the project was packaged. */
export async function loadCompiledPlan(dir: string, name: string): Promise<ScheduledPlan> {
  if (!PLAN_NAME_PATTERN.test(name)) throw new PlanError(`"${name}" is not a plan name`);
  const text = await readFile(join(dir, `${name}.json`), 'utf8').catch(() => undefined);
  if (text === undefined) throw new PlanError(`no batch plan named ${name} in ${dir}`);
  const parsed = scheduledPlanSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new PlanError(`the compiled plan ${name} is not valid; package the project again`);
  return parsed.data;
}
