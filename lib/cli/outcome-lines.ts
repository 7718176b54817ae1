import type { Publishable } from '../messaging/outcome-publisher.ts';
import type { Outcome } from '../order/outcome.ts';
import { describeFieldErrors } from './order-lines.ts';

/** Terminal lines for published documents: `npm start`, the demo and the CLI's `follow` print these. */
const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency}`;

/** One line per published document, for a terminal. */
export function formatPublished(document: Publishable): string {
  switch (document.type) {
    case 'batch.enqueued':
      return `${document.type.padEnd(15)} run=${document.run} orders=${document.size}`;
    case 'batch.completed': {
      const counts = Object.entries(document.counts)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${status}=${n}`)
        .join(' ');
      const totals =
        Object.entries(document.totals)
          .map(([currency, cents]) => money(cents, currency))
          .join(', ') || 'nothing bought';
      return `${document.type.padEnd(15)} run=${document.run} ${counts} total ${totals}`;
    }
    case 'order.awaiting_approval': {
      const totals = Object.entries(document.totals)
        .map(([currency, cents]) => money(cents, currency))
        .join(', ');
      return `${document.type.padEnd(15)} request=${document.requestId} total ${totals} until ${document.expiresAt}: ${document.reasons.join('; ')}`;
    }
    case 'order.resolved': {
      const { result, subscriptionId, evidence } = document.resolution;
      return `${document.type.padEnd(15)} request=${document.requestId} ${result}${subscriptionId ? ` subscription=${subscriptionId}` : ''}: ${evidence}`;
    }
    default:
      return formatOutcome(document);
  }
}

/** One line per order outcome. */
export function formatOutcome(outcome: Outcome): string {
  const parts = [`${outcome.type.padEnd(15)} request=${outcome.requestId}${outcome.kind && outcome.kind !== 'order' ? ` kind=${outcome.kind}` : ''} attempts=${outcome.attempts}`];
  const { vm, domain, subscription } = outcome.bought ?? {};
  if (vm) parts.push(`vm=${vm.id} ${vm.hostname} ${[...vm.ipv4, ...vm.ipv6].join(' ')}`);
  if (domain) parts.push(`domain=${domain.domain} (${domain.status ?? 'status unknown'})`);
  if (subscription) parts.push(`subscription=${subscription.id} expires ${subscription.expires_at ?? 'never'}`);
  if (outcome.reconciliation?.key) parts.push(`settled by ${outcome.reconciliation.key}`);
  if (outcome.order) {
    const { id, status, total, currency } = outcome.order;
    parts.push(`order=${id} (${status}${total != null ? `, total ${money(total, currency ?? '')}` : ''})`);
  }
  if (outcome.error) {
    const { httpStatus, code, message, fieldErrors } = outcome.error;
    // As `status` shows it: `error=422 Validation failed: items.0.item_id is not in the Hostinger catalog`.
    const fields = fieldErrors && Object.keys(fieldErrors).length > 0 ? `: ${describeFieldErrors(fieldErrors)}` : '';
    parts.push(`error=${[httpStatus ?? code, message].filter((part) => part !== undefined && part !== '').join(' ')}${fields}`);
  }
  return parts.join(' ');
}
