import { FULL_CAMPAIGN, runCampaign } from './campaign.ts';
import { formatReport, violations } from './report.ts';

/** `npm run faults`: the full fault-injection campaign; exits non-zero when a must-be-zero figure is not. */
const requests = Number(process.env.FAULTS_REQUESTS ?? FULL_CAMPAIGN.requests);
const seed = Number(process.env.FAULTS_SEED ?? FULL_CAMPAIGN.seed);
console.log(
  `fault campaign: ${requests} requests, seed ${seed}${process.env.FAULTS_CAREFUL_SECONDS === undefined ? '' : `, RECONCILE_CAREFUL_SECONDS=${process.env.FAULTS_CAREFUL_SECONDS}`}`,
);
// A known gap, off by default: orders left awaiting payment paid later in hPanel (paid-later.ts).
const payLeftOrders = process.env.FAULTS_PAY_LEFT_ORDERS === '1';
// Attempts on an item take turns after an ambiguous one (the default); FAULTS_CAREFUL_SECONDS=0 shows the campaign without.
const carefulSeconds = process.env.FAULTS_CAREFUL_SECONDS === undefined ? undefined : Number(process.env.FAULTS_CAREFUL_SECONDS);
const timeLimitMs = Number(process.env.FAULTS_TIME_LIMIT_S ?? FULL_CAMPAIGN.timeLimitMs / 1000) * 1000;
const report = await runCampaign({ ...FULL_CAMPAIGN, requests, seed, payLeftOrders, carefulSeconds, timeLimitMs, progress: (line) => console.log(`  ${line}`) });
console.log(formatReport(report));
const broken = violations(report);
if (broken.length > 0) {
  console.error(`FAILED: ${broken.join('; ')}`);
  process.exitCode = 1;
} else {
  console.log('OK: no duplicate purchase, every request has exactly one terminal outcome');
}
