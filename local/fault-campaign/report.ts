import { PURCHASE_KINDS, type PurchaseKind } from '../../lib/order/kinds/purchase.ts';
import type { Outcome } from '../../lib/order/outcome.ts';
import type { OrderResolved } from '../../lib/order/resolution.ts';
import { formatCents } from '../../lib/policy/money.ts';
import type { DomainResource, SandboxOrderRecord, VirtualMachineResource } from '../sandbox/server.ts';
import { type AwsFaultFigures, LOST_REPLY_CALLS } from './aws-faults.ts';
import type { EditedFileFigures } from './edited-files.ts';
import type { Profile } from './profiles.ts';
import { profileName } from './profiles.ts';
import type { SpendingFigures } from './spending.ts';

/** One request of the campaign: its tag (a unique coupon the sandbox records with any order it makes) and fate. */
export interface CampaignRequest {
  requestId: string;
  coupon: string;
  profile: Profile;
  /** What it buys; absent: a generic order. */
  kind?: PurchaseKind;
  /** Sent by the CLI from an order file edited between runs (edited-files.ts), not by a producer. */
  via?: 'edited-file';
}

export interface CampaignReport {
  requests: number;
  sendsIncludingDuplicates: number;
  ordersCreated: number;
  /** Orders beyond the first for one request: must be 0. */
  duplicatePurchases: number;
  /** Requests that never got a final outcome on the topic (an interim order.pending is not one): must be 0. */
  withoutOutcome: number;
  /** The requests without a final outcome: what they received, and where the ledger has them. */
  stragglers: string[];
  /** Requests with more than one distinct final outcome: must be 0. */
  conflictingOutcomes: number;
  /** Requests told rejected or failed (or resolved as not bought) although their order was completed: must be 0. */
  purchasesReportedAsNotBought: number;
  /**
   * Requests credited (by reconciliation or a resolution) with a purchase although they bought nothing, or
   * a purchase credited to two requests: must be 0.
   */
  misattributedSuccesses: number;
  /**
   * Requests that bought, credited with another request's purchase of the same item because a burst of
   * identical purchases was settled by counting: which identical subscription goes to which request cannot
   * be told, and does not matter (each bought one).
   */
  pairedAcrossRequests: number;
  /** Interim order.pending outcomes, and how they ended: followed to success or to expiry. */
  pendingFollowed: { interim: number; succeeded: number; expired: number };
  /** Final unknowns later decided by an order.resolved, by result. */
  resolved: { bought: number; notBought: number };
  /** Which request took whose order, by injected fault, to explain any misattribution. */
  misattributions: string[];
  /** Each request with more than one order: its fault and its orders, to explain any duplicate purchase. */
  duplicates: string[];
  /** The requests a duplicate or a misattribution involves, for the campaign to describe (see `traces`). */
  involved: string[];
  /** What the campaign knows of the involved requests: the worker crashes that struck them, their ledger records. */
  traces?: string[];
  /** The requests without a final outcome, with their injected fault, to explain any. */
  missing: string[];
  outcomesByType: Record<string, number>;
  outcomeDeliveries: number;
  unknowns: number;
  /** Final unknowns that no order.resolved decided by the end of the campaign. */
  unknownsAfterSettlement: number;
  reconciliation: { found: number; absent: number; inconclusive: number };
  /** 500s answered after the order was made, and how many reconciliation caught (no second purchase). */
  errors500AfterCreate: { injected: number; caught: number };
  unknownsByProfile: Record<string, number>;
  /** Final unknowns no order.resolved decided, by injected fault and by what their last check found. */
  unsettledUnknowns: Record<string, number>;
  /** Hostinger answers that hide what was done (issue 9): per class, how often it was injected and how those requests ended. */
  answerFaults: Record<string, AnswerFaultFigures>;
  crashesByPoint: Record<string, number>;
  /** File edited between CLI runs: what was done to the files, and how their requests ended. */
  editedFiles?: EditedFileFigures & { requests: number; outcomes: Record<string, number> };
  /** Per purchase kind: requests, outcomes, unknowns, and what was provisioned twice (must be 0). */
  byKind: Record<PurchaseKind, KindFigures>;
  redriven: number;
  durationMs: number;
  /** The spending policy on part of the traffic: budget overruns and purchases without approval must be 0. */
  spending?: SpendingFigures;
  /** Orders left awaiting payment, paid later (paid-later.ts): their purchase credited to another request, or resolved as not bought. */
  paidLater?: { paid: number; creditedElsewhere: number; resolvedNotBought: number };
  /** Our own AWS calls: replies lost after the call took effect, index lag, and what the intake answered. */
  awsFaults?: AwsFaultFigures;
}

export interface KindFigures {
  requests: number;
  outcomes: Record<string, number>;
  /** Orders beyond the first for one request of this kind: must be 0. */
  duplicatePurchases: number;
  /** Provisioned twice: VMs with one request's hostname, registrations of one domain, completed renewals of one request: must be 0. */
  duplicatesProvisioned: number;
  unknowns: number;
  /** Unknowns of this kind after the follow-up. */
  unknownsAfterSettlement: number;
  /** Unknown attempts settled as bought by the request's key (hostname, portfolio, moved expiry). */
  foundByKey: number;
  unknownsByProfile: Record<string, number>;
}

export interface AnswerFaultFigures {
  /** Requests whose fault really struck (the sandbox used the rule up, or the connection was refused). */
  injected: number;
  /** Their outcomes by status. */
  outcomes: Record<string, number>;
}

/** The classes reported under answerFaults, by profile name, with what each one is. */
export const ANSWER_FAULT_CLASSES: Record<string, string> = {
  'error500AfterPendingOrder@card': '500 after an order awaiting payment (card)',
  'error500AfterPendingOrder@paypal': '500 after the order, on PayPal (cannot be pending)',
  'error500@paypal': '500 before any order, on PayPal (retried)',
  error502CreateLater: 'gateway 502, order made after the answer',
  error504CreateLater: 'gateway 504, order made after the answer',
  refusedConnection: 'connection refused (nothing sent)',
};

const count = <T>(items: T[], key: (item: T) => string) => items.reduce<Record<string, number>>((counts, item) => ({ ...counts, [key(item)]: (counts[key(item)] ?? 0) + 1 }), {});

/** A request's final outcomes, in arrival order: all but the interim order.pending. */
export const finalOutcomes = (received: Outcome[] = []) => received.filter((outcome) => outcome.status !== 'pending');

/** The campaign's figures, from the sandbox's own record of orders and the outcomes received from SNS. */
export function buildReport(input: {
  requests: CampaignRequest[];
  sends: number;
  orders: SandboxOrderRecord[];
  outcomes: Map<string, Outcome[]>;
  /** order.resolved follow-ups received, by request. */
  resolutions?: Map<string, OrderResolved>;
  /** The ledger's status of each request without a final outcome, by request id. */
  ledgerStatus?: Map<string, string>;
  crashesByPoint: Record<string, number>;
  redriven: number;
  durationMs: number;
  /** Coupons of the requests whose injected fault struck. */
  faultsStruck?: ReadonlySet<string>;
  editedFiles?: EditedFileFigures;
  spending?: SpendingFigures;
  awsFaults?: AwsFaultFigures;
  /** What the sandbox provisioned, to count VMs and registrations per request. */
  virtualMachines?: VirtualMachineResource[];
  domains?: DomainResource[];
  /** Coupons of the orders left awaiting payment that were paid later. */
  paidLater?: ReadonlySet<string>;
}): CampaignReport {
  const { requests, orders, outcomes } = input;
  const ordersByCoupon = new Map<string, SandboxOrderRecord[]>();
  for (const order of orders) for (const coupon of order.coupons) ordersByCoupon.set(coupon, [...(ordersByCoupon.get(coupon) ?? []), order]);
  // A renewal's order names the subscription it renewed, not one it made.
  const couponBySubscription = new Map(
    orders.flatMap((order) => (order.order.subscription_id && order.kind !== 'renewal' ? [[order.order.subscription_id, order.coupons[0]] as const] : [])),
  );

  // Paid orders: an order left awaiting payment bought nothing (yet).
  const paid = (list: SandboxOrderRecord[]) => list.filter((order) => order.order.status === 'completed');
  const resolutions = input.resolutions ?? new Map<string, OrderResolved>();
  const finals = requests.flatMap((request) => {
    const received = outcomes.get(request.requestId) ?? [];
    const final = finalOutcomes(received);
    return final[0]
      ? [
          {
            request,
            outcome: final[0],
            interim: received.some((outcome) => outcome.status === 'pending'),
            distinct: new Set(final.map((o) => o.outcomeId)).size,
            bought: paid(ordersByCoupon.get(request.coupon) ?? []),
            resolution: resolutions.get(request.requestId)?.resolution,
          },
        ]
      : [];
  });
  const reconciled = finals.flatMap(({ outcome }) => (outcome.reconciliation ? [outcome.reconciliation.result] : []));
  // Every purchase credited to a request by reasoning rather than by Hostinger's answer.
  const credits = finals.flatMap((final) => {
    const subscriptionId = final.outcome.reconciliation?.subscriptionId ?? (final.resolution?.result === 'bought' ? final.resolution.subscriptionId : undefined);
    return subscriptionId === undefined ? [] : [{ ...final, subscriptionId }];
  });
  const creditedTimes = count(credits, ({ subscriptionId }) => subscriptionId);
  const notOwn = credits.filter(({ request, subscriptionId }) => couponBySubscription.get(subscriptionId) !== request.coupon);
  const misattributed = notOwn.filter(({ bought, subscriptionId }) => bought.length === 0 || (creditedTimes[subscriptionId] ?? 0) > 1);
  const duplicated = requests.filter((request) => (ordersByCoupon.get(request.coupon) ?? []).length > 1);
  const ownerOf = (subscriptionId: string) => requests.find((candidate) => candidate.coupon === couponBySubscription.get(subscriptionId));
  const named = (one: CampaignRequest) => `${one.requestId} (${profileName(one.profile)}${one.kind ? `, ${one.kind}` : ''})`;
  const after500 = finals.filter(({ request }) => request.profile.kind === 'fault' && request.profile.rule.fault === 'error500AfterCreate');

  return {
    requests: requests.length,
    sendsIncludingDuplicates: input.sends,
    ordersCreated: orders.length,
    duplicatePurchases: [...ordersByCoupon.values()].reduce((sum, list) => sum + Math.max(0, list.length - 1), 0),
    withoutOutcome: requests.length - finals.length,
    stragglers: requests
      .filter((request) => !finals.some((final) => final.request === request))
      .map(
        (request) =>
          `${request.requestId} (${profileName(request.profile)}${request.via ? `, ${request.via}` : ''}): received ${(outcomes.get(request.requestId) ?? []).map((o) => o.type).join(', ') || 'nothing'}; ledger ${input.ledgerStatus?.get(request.requestId) ?? 'not read'}`,
      ),
    conflictingOutcomes: finals.filter(({ distinct }) => distinct > 1).length,
    purchasesReportedAsNotBought: finals.filter(
      ({ outcome, bought, resolution }) => bought.length > 0 && (outcome.status === 'rejected' || outcome.status === 'failed' || resolution?.result === 'not_bought'),
    ).length,
    misattributedSuccesses: misattributed.length,
    pairedAcrossRequests: notOwn.length - misattributed.length,
    pendingFollowed: {
      interim: finals.filter(({ interim }) => interim).length,
      succeeded: finals.filter(({ interim, outcome }) => interim && outcome.status === 'succeeded').length,
      expired: finals.filter(({ interim, outcome }) => interim && outcome.status === 'failed').length,
    },
    resolved: {
      bought: finals.filter(({ resolution }) => resolution?.result === 'bought').length,
      notBought: finals.filter(({ resolution }) => resolution?.result === 'not_bought').length,
    },
    missing: requests.filter((request) => !finals.some((final) => final.request === request)).map((request) => `${request.requestId} (${profileName(request.profile)})`),
    misattributions: misattributed.map(({ request, subscriptionId }) => {
      const owner = ownerOf(subscriptionId);
      return `${named(request)} took ${subscriptionId}, the order of ${owner ? named(owner) : couponBySubscription.get(subscriptionId)}`;
    }),
    duplicates: duplicated.map(
      (request) =>
        `${named(request)}: ${(ordersByCoupon.get(request.coupon) ?? [])
          .map((order) => `${order.kind} order ${order.order.id} ${order.order.status} received ${order.receivedAt} answered ${order.answeredWith || 'reset'}`)
          .join('; ')}`,
    ),
    involved: [
      ...new Set([
        ...duplicated.map((request) => request.requestId),
        ...misattributed.flatMap(({ request, subscriptionId }) => [request, ownerOf(subscriptionId)].flatMap((one) => (one ? [one.requestId] : []))),
      ]),
    ],
    outcomesByType: count(finals, ({ outcome }) => outcome.type),
    outcomeDeliveries: [...outcomes.values()].reduce((sum, list) => sum + list.length, 0),
    unknowns: finals.filter(({ outcome }) => outcome.status === 'unknown').length,
    unknownsAfterSettlement: finals.filter(({ outcome, resolution }) => outcome.status === 'unknown' && !resolution).length,
    reconciliation: {
      found: reconciled.filter((result) => result === 'found').length,
      absent: reconciled.filter((result) => result === 'absent').length,
      inconclusive: reconciled.filter((result) => result === 'inconclusive').length,
    },
    errors500AfterCreate: {
      injected: after500.length,
      caught: after500.filter(({ outcome, bought }) => outcome.reconciliation?.result === 'found' && bought.length === 1).length,
    },
    unknownsByProfile: count(
      finals.filter(({ outcome }) => outcome.status === 'unknown'),
      ({ request }) => profileName(request.profile),
    ),
    unsettledUnknowns: count(
      finals.filter(({ outcome, resolution }) => outcome.status === 'unknown' && !resolution),
      ({ request, outcome }) => `${profileName(request.profile)}/${outcome.reconciliation?.result ?? 'unchecked'}`,
    ),
    answerFaults: Object.fromEntries(
      Object.keys(ANSWER_FAULT_CLASSES).map((name) => {
        const struck = finals.filter(({ request }) => profileName(request.profile) === name && input.faultsStruck?.has(request.coupon));
        return [name, { injected: struck.length, outcomes: count(struck, ({ outcome }) => outcome.status) }];
      }),
    ),
    crashesByPoint: input.crashesByPoint,
    ...(input.editedFiles
      ? {
          editedFiles: {
            ...input.editedFiles,
            requests: requests.filter((request) => request.via === 'edited-file').length,
            outcomes: count(
              finals.filter(({ request }) => request.via === 'edited-file'),
              ({ outcome }) => outcome.status,
            ),
          },
        }
      : {}),
    byKind: Object.fromEntries(
      PURCHASE_KINDS.map((kind) => {
        const mine = requests.filter((request) => (request.kind ?? 'order') === kind);
        const finalsOfKind = finals.filter(({ request }) => (request.kind ?? 'order') === kind);
        const unknown = finalsOfKind.filter(({ outcome }) => outcome.status === 'unknown');
        const provisioned = (request: CampaignRequest) => {
          const bought = ordersByCoupon.get(request.coupon) ?? [];
          if (kind === 'vps') return (input.virtualMachines ?? []).filter((vm) => bought.some((order) => order.order.subscription_id === vm.subscription_id)).length;
          if (kind === 'domain') return (input.domains ?? []).filter((domain) => bought.some((order) => (order.request as { domain?: string }).domain === domain.domain)).length;
          return paid(bought).length;
        };
        const figures: KindFigures = {
          requests: mine.length,
          outcomes: count(finalsOfKind, ({ outcome }) => outcome.status),
          duplicatePurchases: mine.reduce((sum, request) => sum + Math.max(0, (ordersByCoupon.get(request.coupon) ?? []).length - 1), 0),
          duplicatesProvisioned: mine.reduce((sum, request) => sum + Math.max(0, provisioned(request) - 1), 0),
          unknowns: unknown.length,
          unknownsAfterSettlement: unknown.filter(({ resolution }) => !resolution).length,
          foundByKey: finalsOfKind.filter(({ outcome }) => outcome.reconciliation?.key !== undefined).length,
          unknownsByProfile: count(unknown, ({ request }) => profileName(request.profile)),
        };
        return [kind, figures];
      }),
    ) as Record<PurchaseKind, KindFigures>,
    redriven: input.redriven,
    durationMs: input.durationMs,
    ...(input.spending ? { spending: input.spending } : {}),
    ...(input.paidLater ? { paidLater: paidLaterFigures(input.paidLater, credits, finals, couponBySubscription) } : {}),
    ...(input.awsFaults ? { awsFaults: input.awsFaults } : {}),
  };
}

function paidLaterFigures(
  paidLater: ReadonlySet<string>,
  credits: { request: CampaignRequest; subscriptionId: string }[],
  finals: { request: CampaignRequest; resolution?: OrderResolved['resolution'] }[],
  couponBySubscription: Map<string, string | undefined>,
): NonNullable<CampaignReport['paidLater']> {
  const creditedElsewhere = credits.filter(({ request, subscriptionId }) => {
    const owner = couponBySubscription.get(subscriptionId);
    return owner !== undefined && paidLater.has(owner) && owner !== request.coupon;
  }).length;
  const resolvedNotBought = finals.filter(({ request, resolution }) => paidLater.has(request.coupon) && resolution?.result === 'not_bought').length;
  return { paid: paidLater.size, creditedElsewhere, resolvedNotBought };
}

/** The figures that must be zero, with their names, for printing and for exit codes. */
export function violations(report: CampaignReport): string[] {
  const mustBeZero: [string, number][] = [
    ['duplicate purchases', report.duplicatePurchases],
    ['requests without a terminal outcome', report.withoutOutcome],
    ['requests with conflicting outcomes', report.conflictingOutcomes],
    ['purchases reported as not bought', report.purchasesReportedAsNotBought],
    ['successes misattributed', report.misattributedSuccesses],
    ['budget overruns', report.spending?.budgetOverruns ?? 0],
    ['held orders bought without approval', report.spending?.boughtWithoutApproval ?? 0],
    ['requests answered 202 at the intake without a terminal outcome', report.awsFaults?.acceptedWithoutOutcome ?? 0],
    // A generic order provisions nothing: its duplicates are the duplicate purchases above.
    ...Object.entries(report.byKind)
      .filter(([kind]) => kind !== 'order')
      .map(([kind, figures]): [string, number] => [`${kind}: provisioned twice`, figures.duplicatesProvisioned]),
  ];
  return mustBeZero.filter(([, value]) => value !== 0).map(([name, value]) => `${name}: ${value}`);
}

export function formatReport(report: CampaignReport): string {
  const line = (label: string, value: unknown, note = '') => `  ${label.padEnd(44)} ${String(value).padStart(7)}  ${note}`;
  const entries = (record: Record<string, number>) =>
    Object.entries(record)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${value}`)
      .join(', ') || 'none';
  return [
    'Fault-injection campaign',
    line('requests', report.requests),
    line('sends, duplicates included', report.sendsIncludingDuplicates),
    line('orders created (sandbox record)', report.ordersCreated),
    line('DUPLICATE PURCHASES', report.duplicatePurchases, 'must be 0'),
    line('REQUESTS WITHOUT A FINAL OUTCOME', report.withoutOutcome, 'must be 0'),
    line('requests with conflicting final outcomes', report.conflictingOutcomes, 'must be 0'),
    line('purchases reported as not bought', report.purchasesReportedAsNotBought, 'must be 0'),
    line('successes misattributed', report.misattributedSuccesses, 'must be 0'),
    ...(report.awsFaults ? [line('REQUESTS ANSWERED 202 WITHOUT AN OUTCOME', report.awsFaults.acceptedWithoutOutcome, 'must be 0')] : []),
    line('identical purchases paired across requests', report.pairedAcrossRequests, 'each of them bought one'),
    line('outcome deliveries (repeats included)', report.outcomeDeliveries),
    line('unknowns (final)', `${report.unknowns} (${((100 * report.unknowns) / Math.max(1, report.requests)).toFixed(1)}%)`),
    line(
      'unknowns after settlement (order.resolved)',
      `${report.unknownsAfterSettlement} (${((100 * report.unknownsAfterSettlement) / Math.max(1, report.requests)).toFixed(1)}%)`,
      `resolved bought ${report.resolved.bought}, not bought ${report.resolved.notBought}`,
    ),
    line('pending payments followed', report.pendingFollowed.interim, `to success ${report.pendingFollowed.succeeded}, to expiry ${report.pendingFollowed.expired}`),
    line('reconciliation: found/absent/inconclusive', `${report.reconciliation.found}/${report.reconciliation.absent}/${report.reconciliation.inconclusive}`),
    line('500-after-create: caught / injected', `${report.errors500AfterCreate.caught}/${report.errors500AfterCreate.injected}`),
    line('messages redriven from the DLQ', report.redriven),
    line('campaign time (s)', (report.durationMs / 1000).toFixed(1)),
    `  outcomes by type: ${entries(report.outcomesByType)}`,
    `  unknowns by injected fault: ${entries(report.unknownsByProfile)}`,
    `  unknowns left after settlement, by fault/last check: ${entries(report.unsettledUnknowns)}`,
    `  worker crashes by point: ${entries(report.crashesByPoint)}`,
    '  Hostinger answers that hide what was done (injected: outcomes):',
    ...Object.entries(report.answerFaults).map(
      ([name, figures]) => `    ${(ANSWER_FAULT_CLASSES[name] ?? name).padEnd(58)} ${String(figures.injected).padStart(4)}: ${entries(figures.outcomes)}`,
    ),
    ...(report.editedFiles
      ? [
          `  file edited between CLI runs: ${report.editedFiles.files} files, ${report.editedFiles.runs} submit runs (sent ${report.editedFiles.sentPerRun.join('/')} per run), ` +
            `${report.editedFiles.inserted} lines inserted, ${report.editedFiles.deleted} deleted, ${report.editedFiles.moved} moved, ${report.editedFiles.readded} put back; ` +
            `${report.editedFiles.requests} requests: ${entries(report.editedFiles.outcomes)}`,
        ]
      : []),
    ...(report.spending
      ? [
          line(
            'BUDGET OVERRUNS',
            report.spending.budgetOverruns,
            `must be 0: ${formatCents(report.spending.spent, report.spending.currency)} bought of a ${formatCents(report.spending.budget, report.spending.currency)} daily budget`,
          ),
          line('held orders bought without approval', report.spending.boughtWithoutApproval, 'must be 0'),
          `  spending policy: ${report.spending.rejectedOverBudget} rejected over the budget; ${report.spending.held} held for approval, ${report.spending.approved} approved, ${report.spending.denied} denied`,
        ]
      : []),
    '  per kind (requests: outcomes; duplicate orders / provisioned twice, must be 0; unknowns, after follow-up; settled by key):',
    ...Object.entries(report.byKind).map(
      ([kind, figures]) =>
        `    ${kind.padEnd(8)} ${String(figures.requests).padStart(5)}: ${entries(figures.outcomes)}; duplicates ${figures.duplicatePurchases}/${figures.duplicatesProvisioned}; ` +
        `unknowns ${figures.unknowns}, after follow-up ${figures.unknownsAfterSettlement}${figures.unknowns > 0 ? ` (${entries(figures.unknownsByProfile)})` : ''}; found by key ${figures.foundByKey}`,
    ),
    ...(report.paidLater
      ? [
          `  paid later (known gap): ${report.paidLater.paid} orders left awaiting payment were paid in hPanel; ` +
            `${report.paidLater.creditedElsewhere} credited to another request, ${report.paidLater.resolvedNotBought} of their own resolved as not bought`,
        ]
      : []),
    ...(report.awsFaults ? awsFaultLines(report.awsFaults) : []),
    ...report.misattributions.map((line) => `  misattributed: ${line}`),
    ...report.duplicates.map((line) => `  bought more than once: ${line}`),
    ...(report.traces ?? []).map((line) => `  trace: ${line}`),
    ...report.stragglers.map((line) => `  without a final outcome: ${line}`),
    ...report.missing.map((line) => `  without an outcome: ${line}`),
  ].join('\n');
}

/** Our own AWS calls' faults: each class with how often it was injected, and what the intake answered. */
function awsFaultLines(figures: AwsFaultFigures): string[] {
  return [
    '  our own AWS calls (injected):',
    ...Object.entries(LOST_REPLY_CALLS).map(([call, what]) => `    ${`reply lost after ${what}`.padEnd(90)} ${String(figures.lostReplies[call] ?? 0).padStart(4)}`),
    `    ${'index lag (items an index query did not show yet)'.padEnd(90)} ${String(figures.hiddenByIndexLag).padStart(4)}`,
    `    intake answers: 202 x${figures.intake.answered202} (${figures.intake.accepted} requests), 503 x${figures.intake.answered503} (looked up, then sent again if not recorded)`,
  ];
}
