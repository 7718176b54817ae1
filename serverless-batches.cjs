// Turns each batch plan under batches/ into a schedule event of the runBatch function, for serverless.yml
// (`events: ${file(./serverless-batches.cjs)}`). Plans are validated here too: a bad plan fails
// `npm run package` with its file and line. The TypeScript validator is loaded through tsx.
const path = require('node:path');

module.exports = async () => {
  const { tsImport } = await import('tsx/esm/api');
  const { loadAllPlans } = await tsImport('./lib/batch-plan-files.ts', __filename);
  const plans = await loadAllPlans(process.env.BATCH_PLANS_DIR || path.join(__dirname, 'batches'));
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
