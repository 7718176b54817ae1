/**
 * The import rules of the house: pure order logic reaches no edge,
 * nothing deployed reaches the local stack or the CLI, and lib never reaches into functions/ or local/.
 * Run by test/architecture.test.ts (so by `npm test`), or by hand: npx depcruise functions lib local bin bench.
 */
const PURE_ORDER_LOGIC =
  '^lib/(order/|policy/|reconciliation/(verdict|joint-attribution|key-verdict)[.]ts$|retry/retry-policy[.]ts$|worker/submit-order[.]ts$|hostinger/classify-attempt[.]ts$|follow-up/follow-up-policy[.]ts$)';
const EDGES = '^(@aws-sdk/|@aws-lambda-powertools/|@middy/|(node:)?https?$)';
const LOCAL_ONLY = '^(local/|lib/cli/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-order-logic-imports-no-edge',
      comment: 'Order logic, the spending policy, verdicts, answer classification and the retry loop are pure: AWS, HTTP, Powertools and Middy are passed in from the edges.',
      severity: 'error',
      from: { path: PURE_ORDER_LOGIC },
      to: { path: EDGES, reachable: true },
    },
    {
      name: 'worker-logic-takes-its-logger',
      comment: 'The worker, reconciliation and catalog checks log through the Log they are given; only their wiring knows Powertools.',
      severity: 'error',
      from: { path: '^lib/(worker|reconciliation|catalog)/', pathNot: '/wiring[.]ts$' },
      to: { path: '^(lib/platform/(logger|metrics|middy-stack)[.]ts$|@aws-lambda-powertools/|@middy/)' },
    },
    {
      name: 'nothing-deployed-imports-local-or-cli',
      comment: 'The Lambda functions (and all they import) never load the local stack or the CLI.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: LOCAL_ONLY, reachable: true },
    },
    {
      name: 'lib-imports-no-functions-or-local',
      comment: 'lib is the library the entry points and the local stack build on, never the other way round.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(functions|local)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^node_modules' },
    parser: 'swc',
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
