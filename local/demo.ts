import { formatOutcome, formatPublished } from '../lib/cli/outcome-lines.ts';
import { isOrderOutcome } from '../lib/messaging/outcome-publisher.ts';
import type { Outcome } from '../lib/order/outcome.ts';
import type { BatchCompleted } from '../lib/scheduled/run-events.ts';
import { watchOutcomes } from './outcome-watcher.ts';
import { startLocalStack } from './stack.ts';

/**
 * `npm run demo`: starts the local stack on free ports, sends one order down each path (success, a 500
 * retried to success, a 422 rejection, a card that needs verification), buys one of each other kind (a VPS
 * whose answer is a 500 after the purchase, a domain, a renewal), prints their outcomes and exits.
 */
const RETRIED_ITEM = 'hostingercom-hosting-premium-usd-12m';
const scenarios = [
  { name: 'success', body: { payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m', quantity: 1 }] } },
  // Paid with PayPal: a 5xx on a card may hide an order awaiting 3-D Secure, and ends unknown instead.
  { name: 'a 500, retried to success', body: { payment_method_id: 1327363, items: [{ item_id: RETRIED_ITEM }] } },
  {
    name: 'a 422 rejection (mixed currencies)',
    body: { payment_method_id: 1327362, items: [{ item_id: 'hostingercom-vps-kvm2-usd-1m' }, { item_id: 'hostingercom-vps-kvm2-eur-1m' }] },
  },
  { name: 'pending card verification (3-D Secure)', body: { payment_method_id: 1327364, items: [{ item_id: 'hostingercom-domain-com-usd-1y', quantity: 1 }] } },
];
const TIMEOUT_MS = 60_000;
const DEMO_HOSTNAME = 'demo-web-1.example.tld';
const DEMO_DOMAIN = 'hostinger-orders-demo.com';
const started0 = Date.now();

const stack = await startLocalStack({
  apiPort: 0,
  awsPort: 0,
  sandboxLatencyMs: 50,
  functionEnv: { POWERTOOLS_LOG_LEVEL: 'WARN', HOSTINGER_RETRY_BASE_MS: '200' },
  log: (line) => console.error(line),
});
let exitCode = 1;
try {
  // The sandbox's first answer for this item is a 500 before any order is made; the worker retries it.
  stack.sandbox?.addFaults([{ fault: 'error500', times: 1, match: { itemId: RETRIED_ITEM } }]);
  const outcomes = new Map<string, Outcome>();
  let batchSummary: BatchCompleted | undefined;
  const watcher = await watchOutcomes(stack, 'demo-outcomes', (published) => {
    if (published.type === 'batch.completed') batchSummary = published;
    else if (isOrderOutcome(published)) outcomes.set(published.requestId, published);
  });

  console.log(`Order API: ${stack.apiUrl}\n`);
  const sent: { name: string; requestId: string }[] = [];
  for (const scenario of scenarios) {
    const response = await fetch(`${stack.apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(scenario.body) });
    const answer = (await response.json()) as { requestId: string; status: string };
    console.log(`POST /orders   ${scenario.name.padEnd(40)} -> ${response.status} ${JSON.stringify(answer)}`);
    sent.push({ name: scenario.name, requestId: answer.requestId });
  }

  // One of each other kind, in Hostinger's own request bodies. The VPS meets a 500 after the purchase: the
  // worker finds the VM by its hostname and settles it as bought, once. The renewal renews the first order.
  const first = sent[0]?.requestId ?? '';
  while (!outcomes.has(first) && Date.now() - started0 < TIMEOUT_MS) await new Promise((resolve) => setTimeout(resolve, 100));
  stack.sandbox?.addFaults([{ fault: 'error500AfterCreate', times: 1, match: { path: '/api/vps/' } }]);
  const kinds = [
    {
      name: 'a VPS (a 500 after the purchase)',
      path: '/vps',
      body: { item_id: 'hostingercom-vps-kvm1-usd-1m', payment_method_id: 1327363, setup: { template_id: 1130, data_center_id: 17, hostname: DEMO_HOSTNAME } },
    },
    { name: 'a domain', path: '/domains', body: { domain: DEMO_DOMAIN, item_id: 'hostingercom-domain-com-usd-1y' } },
    { name: 'a renewal (of the first order)', path: '/renewals', body: { subscription_id: outcomes.get(first)?.order?.subscription_id ?? '' } },
  ];
  for (const kind of kinds) {
    const response = await fetch(`${stack.apiUrl}${kind.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(kind.body) });
    const answer = (await response.json()) as { requestId: string; status: string };
    console.log(`POST ${kind.path.padEnd(9)} ${kind.name.padEnd(40)} -> ${response.status} ${JSON.stringify(answer)}`);
    sent.push({ name: kind.name, requestId: answer.requestId });
  }

  // A scheduled plan (batches/staging-fleet.yaml), fired by hand twice for the same scheduled time:
  // the second firing queues the same request ids, so nothing is bought twice.
  const firing = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ time: '2026-12-01T03:00:00Z' }) };
  for (const attempt of ['first', 'repeated']) {
    const response = await fetch(`${stack.apiUrl}/_local/batches/staging-fleet`, firing);
    const answer = (await response.json()) as { run?: string; size?: number; message?: string };
    console.log(`POST /_local/batches/staging-fleet (${attempt} firing) -> ${response.status} run=${answer.run ?? answer.message} orders=${answer.size ?? '-'}`);
  }

  // The catalog check refuses a mistyped item at intake, with the nearest valid ids, before any purchase attempt.
  const typo = await fetch(`${stack.apiUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ item_id: 'hostingercom-vps-kvm2-usd-1' }] }),
  });
  console.log(`POST /orders   ${'a mistyped item id'.padEnd(40)} -> ${typo.status} ${JSON.stringify(await typo.json())}`);

  const started = Date.now();
  while ((sent.some(({ requestId }) => !outcomes.has(requestId)) || !batchSummary) && Date.now() - started < TIMEOUT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await watcher.stop();

  console.log('\nOutcomes published to SNS:');
  for (const { name, requestId } of sent) {
    const outcome = outcomes.get(requestId);
    console.log(`  ${name.padEnd(40)} ${outcome ? formatOutcome(outcome) : 'NO OUTCOME within 60 s'}`);
  }
  console.log(`  ${'batch run'.padEnd(40)} ${batchSummary ? formatPublished(batchSummary) : 'NO batch.completed within 60 s'}`);
  const bought = stack.sandbox?.orders().filter((order) => order.coupons.includes('FLEET')).length;
  console.log(`  (the sandbox made ${bought} order(s) for the plan's FLEET line, fired twice)`);
  const vms = stack.sandbox?.virtualMachines().filter((vm) => vm.hostname === DEMO_HOSTNAME).length;
  const registered = stack.sandbox?.domains().filter((domain) => domain.domain === DEMO_DOMAIN).length;
  const renewed = stack.sandbox?.orders().filter((order) => order.kind === 'renewal').length;
  console.log(`  (the sandbox has ${vms} VM named ${DEMO_HOSTNAME}, ${registered} registration of ${DEMO_DOMAIN}, ${renewed} renewal)`);
  const vpsRequest = sent.find(({ name }) => name.startsWith('a VPS'))?.requestId;
  console.log(`\nGET /orders/${vpsRequest}:`);
  console.log(JSON.stringify(await (await fetch(`${stack.apiUrl}/orders/${vpsRequest}`)).json(), null, 2));
  console.log(`\nGET /orders/${sent[1]?.requestId}:`);
  console.log(JSON.stringify(await (await fetch(`${stack.apiUrl}/orders/${sent[1]?.requestId}`)).json(), null, 2));
  exitCode = sent.every(({ requestId }) => outcomes.has(requestId)) && batchSummary ? 0 : 1;
} finally {
  await stack.stop();
}
process.exit(exitCode);
