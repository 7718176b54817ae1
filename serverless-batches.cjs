// Turns each batch plan under batches/ into a schedule event of the runBatch function, for serverless.yml
// (`events: ${file(./serverless-batches.cjs)}`). Plans are validated here: a bad plan fails
// `npm run package` with its file and line. They are also compiled to JSON in .batches-compiled/, which is
// what the function reads (so it carries no YAML parser). The TypeScript code is loaded through tsx.
const path = require('node:path');

module.exports = async () => {
  const { tsImport } = await import('tsx/esm/api');
  const { compilePlans } = await tsImport('./lib/scheduled/plan-files.ts', __filename);
  const { COMPILED_PLANS_FOLDER } = await tsImport('./lib/scheduled/compiled-plans.ts', __filename);
  const plans = await compilePlans(process.env.BATCH_PLANS_DIR || path.join(__dirname, 'batches'), path.join(__dirname, COMPILED_PLANS_FOLDER));
  return plans.map(({ name, plan }) => ({
    schedule: {
      description: plan.description ?? `batch plan ${name}`,
      rate: [plan.schedule],
      enabled: plan.enabled,
      // The function gets the plan's name and the time the firing was scheduled for, which names the run.
      inputTransformer: { inputPathsMap: { time: '$.time' }, inputTemplate: `{"plan": "${name}", "time": <time>}` },
    },
  }));
};
