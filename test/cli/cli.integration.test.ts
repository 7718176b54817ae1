import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalEndpoints } from '../../lib/cli/context.ts';
import { startTestStack, type TestStack, waitUntil } from '../support/local-stack.ts';
import { capture, cli, endpointsOf } from './support.ts';

/**
 * The CLI against the whole local pipeline: the commands run in-process through runCli, with the test
 * stack's ephemeral endpoints injected where `npm start`'s fixed ones would be.
 */
const KVM2 = 'hostingercom-vps-kvm2-usd-1m';
const DOMAIN = 'hostingercom-domain-com-usd-1y';
const KVM1_EUR = 'hostingercom-vps-kvm1-eur-1m';

let t: TestStack;
let local: LocalEndpoints;
let dir: string;

beforeAll(async () => {
  t = await startTestStack();
  local = endpointsOf(t.stack.resources);
  dir = mkdtempSync(join(tmpdir(), 'hostinger-orders-cli-'));
});
afterAll(async () => {
  await t?.stop();
});

const outcomesOf = (prefix: string) => t.outcomes.filter((o) => o.requestId.startsWith(prefix));
/** The request id the progress file gives the order on `line` of the file, as last sent. */
const requestIdOnLine = (batch: string, line: number, stateDir = join(dir, '.hostinger-orders')) => {
  const { requests } = JSON.parse(readFileSync(join(stateDir, 'batches', `${batch}.json`), 'utf8')) as { requests: Record<string, number> };
  return Object.entries(requests).find(([, at]) => at === line)?.[0] ?? '';
};

describe('submit a 500-line CSV', () => {
  const items = [KVM2, DOMAIN, KVM1_EUR];
  const csv = ['item_id,quantity,payment_method_id,coupons', ...Array.from({ length: 500 }, (_, i) => `${items[i % 3]},${1 + (i % 2)},1327363,CLI-BULK`)].join('\n');
  let batch: string;

  it('sends every line with a progress bar and a summary; each order is bought once and gets an outcome', async () => {
    writeFileSync(join(dir, 'bulk.csv'), csv);
    const run = await cli(['submit', 'bulk.csv', '--concurrency', '4'], { cwd: dir, local });
    expect(run.code).toBe(0);
    batch = /batch (bulk-[0-9a-f]{12}) \(bulk\.csv\): 500 orders, request ids bulk-[0-9a-f]{12}:<order hash>-<n>\n/.exec(run.stdout)?.[1] ?? '';
    expect(batch).not.toBe('');
    expect(run.stdout).toMatch(/sent +500\n/);
    expect(run.stdout).toMatch(/skipped +0\n/);
    expect(run.stdout).toMatch(/failed +0\n/);
    expect(run.stdout).toContain(`npx hostinger-orders status --batch ${batch}`);
    // Not a terminal: which stack, then plain progress lines, and nothing else on stderr.
    const [stackLine, checkLine, ...progressLines] = run.stderr.trimEnd().split('\n');
    expect(stackLine).toBe(`local stack: ${local.awsEndpoint} (given)`);
    expect(checkLine).toMatch(/^checked against the Hostinger catalog at http:\/\/127\.0\.0\.1:\d+: \d+ catalog prices/);
    expect(progressLines.every((line) => /^sent \d+\/500 \(\d+%, \d+\/s\)$/.test(line))).toBe(true);
    expect(run.stderr).toMatch(/sent 500\/500 \(100%/);

    await waitUntil(() => (new Set(outcomesOf(`${batch}:`).map((o) => o.requestId)).size === 500 ? true : undefined), 75_000, '500 outcomes');
    expect(outcomesOf(`${batch}:`).every((o) => o.type === 'order.succeeded')).toBe(true);
    expect(t.ordersWithCoupon('CLI-BULK')).toHaveLength(500);
  }, 120_000);

  it('sending the same file again sends nothing: the progress file says every line was sent', async () => {
    const run = await cli(['submit', 'bulk.csv'], { cwd: dir, local });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`continuing batch ${batch}, in which bulk.csv was sent before (--new-batch`);
    expect(run.stdout).toMatch(/sent +0 +nothing left to send/);
    expect(run.stdout).toMatch(/skipped +500 +lines already sent earlier, skipped \(lines 2-501\)/);
  });

  it('status of one request prints what GET /orders/{id} answers', async () => {
    const line17 = requestIdOnLine(batch, 17);
    const run = await cli(['status', line17], { cwd: dir, local });
    expect(run.code).toBe(0);
    const view = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(view).toEqual((await t.getOrder(line17)).json);
    expect(view).toMatchObject({ requestId: line17, status: 'succeeded', order: { status: 'completed' } });

    const missing = await cli(['status', 'no-such-request'], { cwd: dir, local });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no request no-such-request in the ledger');
  });

  it('status of the batch counts its requests by status', async () => {
    const run = await cli(['status', '--batch', batch], { cwd: dir, local });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^batch ${batch}: 500 requests\n  succeeded +500\n$`));
    const json = await cli(['status', '--batch', batch, '--json'], { cwd: dir, local });
    expect(JSON.parse(json.stdout)).toMatchObject({ requests: 500, counts: { succeeded: 500 }, waiting: [], notSent: [] });
    // Without the progress file, the file says which requests the batch has.
    const byFile = await cli(['status', '--batch', batch, '--file', 'bulk.csv', '--state-dir', join(dir, 'no-state')], { cwd: dir, local });
    expect(byFile.stdout).toMatch(new RegExp(`^batch ${batch}: 500 requests\n  succeeded +500\n$`));
  });
});

describe('an interrupted submit', () => {
  it('says which lines were sent and which were not, and the same command resumes it without buying twice', async () => {
    writeFileSync(join(dir, 'interrupted.jsonl'), Array.from({ length: 50 }, () => JSON.stringify({ items: [{ item_id: DOMAIN }], coupons: ['CLI-RESUME'] })).join('\n'));
    const controller = new AbortController();
    // Ctrl-C as soon as the first call is confirmed (the first progress line).
    const stderr = capture();
    stderr.write = function (s: string) {
      this.text += s;
      if (s.startsWith('sent ')) controller.abort();
      return true;
    };
    const first = await cli(['submit', 'interrupted.jsonl', '--concurrency', '1'], { cwd: dir, local, signal: controller.signal, stderr });
    expect(first.code).toBe(130);
    expect(first.stdout).toMatch(/sent +10\n/);
    expect(first.stdout).toMatch(/not sent +40 +lines 11-50 \(interrupted\)/);
    expect(first.stdout).toContain('sent: lines 1-10\nnot sent: lines 11-50\nto send the rest, run the same command again');

    const second = await cli(['submit', 'interrupted.jsonl'], { cwd: dir, local });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/sent +40\n/);
    expect(second.stdout).toMatch(/skipped +10 +lines already sent earlier, skipped \(lines 1-10\)/);
    await waitUntil(() => (new Set(outcomesOf('interrupted-').map((o) => o.requestId)).size === 50 ? true : undefined), 40_000, '50 outcomes');
    expect(t.ordersWithCoupon('CLI-RESUME')).toHaveLength(50);
  }, 60_000);

  it('without the progress file, every line sent again in the same batch (--batch) is deduplicated by the ledger: nothing new is bought', async () => {
    const before = t.outcomes.length;
    const batch =
      readdirSync(join(dir, '.hostinger-orders', 'batches'))
        .find((name) => name.startsWith('interrupted-'))
        ?.replace(/\.json$/, '') ?? '';
    const run = await cli(['submit', 'interrupted.jsonl', '--batch', batch, '--state-dir', join(dir, 'fresh-state')], { cwd: dir, local });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/sent +50\n/);
    // Each request re-publishes its recorded outcome rather than buying.
    await waitUntil(
      () =>
        new Set(
          t.outcomes
            .slice(before)
            .filter((o) => o.requestId.startsWith('interrupted-'))
            .map((o) => o.requestId),
        ).size === 50
          ? true
          : undefined,
      40_000,
      'the re-published outcomes',
    );
    expect(t.ordersWithCoupon('CLI-RESUME')).toHaveLength(50);
  }, 60_000);
});

describe('dry run against the sandbox', () => {
  const jsonl = [
    { payment_method_id: 1327363, items: [{ item_id: KVM2, quantity: 2 }] },
    {
      payment_method_id: 1327363,
      items: [
        { item_id: KVM1_EUR, quantity: 1 },
        { item_id: DOMAIN, quantity: 1 },
      ],
    },
    { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1mo', quantity: 1 }] },
    { payment_method_id: 1327365, items: [{ item_id: DOMAIN, quantity: 1 }] },
  ]
    .map((order) => JSON.stringify(order))
    .join('\n');

  it('prints what would be bought with totals per currency, and flags a mistyped item id with a suggestion; nothing is sent', async () => {
    writeFileSync(join(dir, 'dry.jsonl'), jsonl);
    const sandbox = t.stack.sandbox;
    if (!sandbox) throw new Error('the test stack runs the sandbox');
    const { SecretString: token } = await t.stack.clients.secrets.send(new GetSecretValueCommand({ SecretId: t.stack.resources.secretId }));
    const ordersBefore = sandbox.orders().length;
    const run = await cli(['submit', 'dry.jsonl', '--dry-run', '--api-url', sandbox.url], { cwd: dir, local, env: { HOSTINGER_API_TOKEN: token } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('dry.jsonl:3: items.0.item_id is not in the Hostinger catalog; nearest: hostingercom-vps-kvm2-usd-1m');
    expect(run.stdout).toContain('dry.jsonl:4: payment_method_id 1327365 has expired');
    // 2 × 8.99 USD + 9.99 USD; 5.99 EUR
    expect(run.stdout).toMatch(/total +5\.99 EUR\n +27\.97 USD\n/);
    expect(run.stdout).toMatch(/hostingercom-vps-kvm2-usd-1m +KVM 2 +1 month +2 +8\.99 USD +17\.98 USD/);
    expect(run.stdout).toContain('2 lines with problems');
    expect(sandbox.orders().length).toBe(ordersBefore);
  });

  it("reads the token from the local stack's secret when none is given, and warns about cards", async () => {
    writeFileSync(join(dir, 'fine.json'), JSON.stringify([{ items: [{ item_id: DOMAIN }] }], null, 2));
    const run = await cli(['submit', 'fine.json', '--dry-run', '--api-url', t.stack.sandbox?.url ?? ''], { cwd: dir, local });
    expect(run.stderr).toBe(`local stack: ${local.awsEndpoint} (given)\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('payment method 1327362 is a card: the payment may need 3-D Secure verification');
    expect(run.stdout).toMatch(/total +9\.99 USD\n/);
    expect(run.stdout).toContain('all 1 orders check out');
    expect(run.stdout).toContain('dry run of fine.json: 1 order, a new batch; nothing is sent');
  });

  it('of a file sent in part before, prices only the orders a submit would still send', async () => {
    writeFileSync(join(dir, 'partly.jsonl'), JSON.stringify({ items: [{ item_id: DOMAIN }], coupons: ['CLI-PARTLY'] }));
    const first = await cli(['submit', 'partly.jsonl'], { cwd: dir, local });
    expect(first.code).toBe(0);
    const batch = /^batch (\S+) /m.exec(first.stdout)?.[1];
    writeFileSync(
      join(dir, 'partly.jsonl'),
      [{ items: [{ item_id: KVM2, quantity: 2 }] }, { items: [{ item_id: DOMAIN }], coupons: ['CLI-PARTLY'] }].map((o) => JSON.stringify(o)).join('\n'),
    );
    const run = await cli(['submit', 'partly.jsonl', '--dry-run'], { cwd: dir, local });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`dry run of partly.jsonl: 1 order, batch ${batch} (1 of its orders, sent before, left out); nothing is sent`);
    expect(run.stdout).toMatch(/total +17\.98 USD\n/);
  });

  it('says where to find the API URL when it is not given', async () => {
    const run = await cli(['submit', 'fine.json', '--dry-run'], { cwd: dir, local: { ...local, hostingerApiUrl: undefined } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('start the local stack (npm start) in this folder, pass --api-url');
  });

  it('finds the sandbox that a running npm start recorded in .hostinger-orders/local.json', async () => {
    const { writeRunningStack, forgetRunningStack } = await import('../../lib/cli/local-resources.ts');
    await writeRunningStack(dir, { orderApiUrl: t.stack.apiUrl, awsEndpoint: t.stack.resources.awsEndpoint, hostingerApiUrl: t.stack.sandbox?.url ?? '' });
    try {
      // No endpoints given: the token secret too is read from the recorded stack.
      const run = await cli(['submit', 'fine.json', '--dry-run'], { cwd: dir, env: { LOCAL_AWS_PORT: '1' } });
      expect(run.stdout).toMatch(/USD/);
      expect(run.code).toBe(0);
    } finally {
      await forgetRunningStack(dir);
    }
  });
});

describe('which local stack', () => {
  it('the CLI talks to the stack npm start recorded, not to LOCAL_AWS_PORT or 4566, and says which', async () => {
    const { writeRunningStack, forgetRunningStack } = await import('../../lib/cli/local-resources.ts');
    const folder = join(dir, 'recorded');
    mkdirSync(folder, { recursive: true });
    await writeRunningStack(folder, { orderApiUrl: t.stack.apiUrl, awsEndpoint: t.stack.resources.awsEndpoint, hostingerApiUrl: t.stack.sandbox?.url ?? '' });
    try {
      writeFileSync(join(folder, 'recorded.jsonl'), JSON.stringify({ requestId: 'cli-recorded-stack', items: [{ item_id: DOMAIN }], coupons: ['CLI-RECORDED'] }));
      // LOCAL_AWS_PORT points at nothing: only the recorded endpoint can take the order.
      const run = await cli(['submit', 'recorded.jsonl'], { cwd: folder, env: { LOCAL_AWS_PORT: '1' } });
      expect(run.stderr).toContain(`local stack: ${t.stack.resources.awsEndpoint} (recorded by npm start in ${join('.hostinger-orders', 'local.json')})\n`);
      expect(run.code).toBe(0);
      expect(await t.waitForOutcome('cli-recorded-stack')).toMatchObject({ type: 'order.succeeded' });
      const status = await cli(['status', 'cli-recorded-stack'], { cwd: folder, env: { LOCAL_AWS_PORT: '1' } });
      expect(status.code).toBe(0);
      expect(status.stderr).toContain(`local stack: ${t.stack.resources.awsEndpoint} (recorded by npm start`);
    } finally {
      await forgetRunningStack(folder);
    }
    const unrecorded = await cli(['status', 'cli-recorded-stack'], { cwd: folder, env: { LOCAL_AWS_PORT: '1' } });
    expect(unrecorded.stderr).toContain('local stack: http://127.0.0.1:1 (no running npm start recorded in ./.hostinger-orders/local.json; LOCAL_AWS_PORT)');
    expect(unrecorded.code).toBe(1);
  });
});

describe('submit checks the catalog before sending', () => {
  const lines = [
    { items: [{ item_id: DOMAIN }], coupons: ['CLI-CHECKED'] },
    { items: [{ item_id: 'hostingercom-vps-kvm2-usd-1mo' }], coupons: ['CLI-CHECKED'] },
  ];

  it('refuses a line with an unknown item id, naming its line and field, and sends nothing', async () => {
    writeFileSync(join(dir, 'checked.jsonl'), lines.map((o) => JSON.stringify(o)).join('\n'));
    const run = await cli(['submit', 'checked.jsonl', '--batch', 'checked'], { cwd: dir, local });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('checked.jsonl:2: items.0.item_id is not in the Hostinger catalog; nearest: hostingercom-vps-kvm2-usd-1m');
    expect(run.stderr).toContain('checked.jsonl: 1 line that the Hostinger catalog or the account');
    expect(run.stderr).toContain('nothing was sent (--no-catalog-check sends without this check)');
    expect(run.stdout).toBe('');
    expect(t.ordersWithCoupon('CLI-CHECKED')).toHaveLength(0);
    // No batch was recorded: nothing of it exists.
    expect((await cli(['status', '--batch', 'checked'], { cwd: dir, local })).stderr).toContain('no progress file for batch checked');
  });

  it('lists the catalog problems of valid lines beside the invalid lines, in one run', async () => {
    writeFileSync(join(dir, 'both.jsonl'), [lines[0], { items: [{ item_id: DOMAIN, quantity: 0 }] }, lines[1]].map((o) => JSON.stringify(o)).join('\n'));
    const run = await cli(['submit', 'both.jsonl'], { cwd: dir, local });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('both.jsonl:2: items.0.quantity must be at least 1\nboth.jsonl:3: items.0.item_id is not in the Hostinger catalog');
    expect(run.stderr).toContain('both.jsonl: 2 lines with problems; nothing was sent');
  });

  it('with --no-catalog-check sends it; the pipeline rejects it, and status shows the field-level reason', async () => {
    const run = await cli(['submit', 'checked.jsonl', '--batch', 'checked', '--no-catalog-check'], { cwd: dir, local });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/sent +2\n/);
    const unknown = requestIdOnLine('checked', 2);
    expect(await t.waitForOutcome(unknown)).toMatchObject({ type: 'order.rejected' });
    await t.waitForOutcome(requestIdOnLine('checked', 1));
    const status = await cli(['status', '--batch', 'checked'], { cwd: dir, local });
    expect(status.stdout).toMatch(
      new RegExp(
        `line 2  ${unknown}  rejected +attempts=0 error=the order does not match the Hostinger catalog or the account: items\\.0\\.item_id is not in the Hostinger catalog; nearest: hostingercom-vps-kvm2-usd-1m`,
      ),
    );
    expect(t.ordersWithCoupon('CLI-CHECKED')).toHaveLength(1);
  });
});

describe('follow', () => {
  it('prints one line per outcome of the chosen types until stopped, then removes its queue', async () => {
    const controller = new AbortController();
    const following = cli(['follow', '--type', 'order.rejected'], { cwd: dir, local, signal: controller.signal });
    await waitUntil(() => (following.stderr.text.includes('following') ? true : undefined), 10_000, 'the subscription');

    writeFileSync(
      join(dir, 'follow.jsonl'),
      [
        { requestId: 'follow-ok', items: [{ item_id: DOMAIN }] },
        { requestId: 'follow-expired', payment_method_id: 1327365, items: [{ item_id: DOMAIN }] },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    // The expired card reaches the pipeline (which rejects it) only past the CLI's own check.
    expect((await cli(['submit', 'follow.jsonl', '--no-catalog-check'], { cwd: dir, local })).code).toBe(0);
    await t.waitForOutcome('follow-ok');
    await waitUntil(() => (following.stdout.text.includes('follow-expired') ? true : undefined), 15_000, 'the printed outcome');
    controller.abort();
    const run = await following;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^order\.rejected +request=follow-expired attempts=\d+ error=.*1327365/);
    expect(run.stdout).not.toContain('follow-ok');
    expect(run.stderr).toContain('the temporary queue and its subscription are removed');
  });
});

describe('follow --batch', () => {
  it('started before submit, follows the batch by its recorded members as they are sent: lines with their own requestId too', async () => {
    const controller = new AbortController();
    const following = cli(['follow', '--batch', 'follow-early'], { cwd: dir, local, signal: controller.signal });
    await waitUntil(() => (following.stderr.text.includes('following') ? true : undefined), 10_000, 'the subscription');
    expect(following.stderr.text).toContain('batch follow-early has no progress file');

    writeFileSync(
      join(dir, 'early.jsonl'),
      [
        { items: [{ item_id: DOMAIN }], coupons: ['CLI-EARLY'] },
        { requestId: 'follow-early-own', items: [{ item_id: DOMAIN }], coupons: ['CLI-EARLY'] },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    expect((await cli(['submit', 'early.jsonl', '--batch', 'follow-early'], { cwd: dir, local })).code).toBe(0);
    const derived = requestIdOnLine('follow-early', 1);
    await waitUntil(() => (following.stdout.text.includes('follow-early-own') && following.stdout.text.includes(derived) ? true : undefined), 15_000, 'both outcomes printed');
    // An outcome of another request is not the batch's.
    const other = await t.postOrder({ items: [{ item_id: DOMAIN }], coupons: ['CLI-EARLY-OTHER'] });
    await t.waitForOutcome(String(other.json.requestId));
    await new Promise((resolve) => setTimeout(resolve, 500));
    controller.abort();
    const printed = (await following).stdout.trimEnd().split('\n');
    expect(printed).toHaveLength(2);
    expect(printed.some((line) => line.includes(`request=${derived} `))).toBe(true);
    expect(printed.some((line) => line.includes('request=follow-early-own '))).toBe(true);
  });

  it('run after submit, first shows the outcomes already out, then follows', async () => {
    writeFileSync(
      join(dir, 'late.jsonl'),
      [
        { items: [{ item_id: DOMAIN }], coupons: ['CLI-LATE'] },
        { requestId: 'follow-late-own', payment_method_id: 1327365, items: [{ item_id: DOMAIN }] },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const submitted = await cli(['submit', 'late.jsonl', '--batch', 'follow-late', '--no-catalog-check'], { cwd: dir, local });
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toContain('npx hostinger-orders follow --batch follow-late');
    await t.waitForOutcome('follow-late-own');
    await t.waitForOutcome(requestIdOnLine('follow-late', 1));

    const controller = new AbortController();
    const following = cli(['follow', '--batch', 'follow-late'], { cwd: dir, local, signal: controller.signal });
    await waitUntil(() => (following.stderr.text.includes('following') ? true : undefined), 10_000, 'the subscription');
    expect(following.stderr.text).toContain('batch follow-late: 2 of 2 requests already have outcomes:');
    expect(following.stdout.text).toMatch(new RegExp(`^order\\.succeeded +request=${requestIdOnLine('follow-late', 1)} .*\norder\\.rejected +request=follow-late-own .*1327365`));
    controller.abort();
    expect((await following).code).toBe(0);

    const rejectedOnly = cli(['follow', '--batch', 'follow-late', '--type', 'order.rejected'], { cwd: dir, local, signal: AbortSignal.timeout(3000) });
    await waitUntil(() => (rejectedOnly.stderr.text.includes('following') ? true : undefined), 10_000, 'the subscription');
    expect(rejectedOnly.stdout.text).toMatch(/^order\.rejected +request=follow-late-own [^\n]*\n$/);
    await rejectedOnly;
  });
});

describe('redrive', () => {
  it('moves a dead-lettered order back to the queue, where it is bought', async () => {
    await t.stack.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: local.deadLetterQueueUrl,
        MessageBody: JSON.stringify({ requestId: 'cli-redriven', items: [{ item_id: KVM2 }], coupons: ['CLI-REDRIVE'] }),
      }),
    );
    const run = await cli(['redrive'], { cwd: dir, local });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('moved 1 message(s) back to the orders queue');
    expect(await t.waitForOutcome('cli-redriven')).toMatchObject({ type: 'order.succeeded' });
    expect(t.ordersWithCoupon('CLI-REDRIVE')).toHaveLength(1);
    expect((await cli(['redrive'], { cwd: dir, local })).stdout).toContain('the dead-letter queue is empty');
  });
});

describe('a stack that is not running', () => {
  it('says so, and that nothing was sent', async () => {
    writeFileSync(join(dir, 'down.jsonl'), JSON.stringify({ items: [{ item_id: KVM2 }] }));
    const run = await cli(['submit', 'down.jsonl', '--no-catalog-check'], { cwd: dir, env: { LOCAL_AWS_PORT: '1' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/stopped: .*ECONNREFUSED.*is npm start running\?/);
    expect(run.stdout).toMatch(/not sent +1 +lines 1\n/);
    expect(run.stdout).toContain('to send the rest, run the same command again');
  });
});
