import { parseCommandArgs } from '../args.ts';
import { type CliContext, UserError, usageError, writeLine } from '../context.ts';
import { orderApi } from '../order-api.ts';

export const DECIDE_OPTIONS = { 'api-url': { type: 'string' }, as: { type: 'string' }, reason: { type: 'string' } } as const;

/** `approve <requestId>` and `deny <requestId>`: POST /orders/{id}/approve or /deny. */
const decideCommand =
  (action: 'approve' | 'deny') =>
  async (ctx: CliContext, args: string[]): Promise<number> => {
    const { values, positionals } = parseCommandArgs(action, args, DECIDE_OPTIONS);
    if (positionals.length !== 1) throw usageError(`${action} takes one request id: hostinger-orders ${action} <requestId> [--reason <text>]`);
    const [requestId] = positionals as [string];
    const api = orderApi(ctx, { apiUrl: values['api-url'], as: values.as });
    const { status, json } = await api.request('POST', `/orders/${encodeURIComponent(requestId)}/${action}`, values.reason === undefined ? {} : { reason: values.reason });
    if (status !== 200) throw new UserError(`${action} ${requestId}: ${status} ${String(json.message ?? '')}`);
    const approval = json.approval as { decision: string; by?: string; at: string };
    writeLine(
      ctx.stdout,
      `${requestId} ${approval.decision} by ${approval.by ?? 'nobody'} at ${approval.at}; it is queued again${approval.decision === 'approved' ? ' to be bought' : ' and ends order.rejected'}`,
    );
    return 0;
  };

export const approveCommand = decideCommand('approve');
export const denyCommand = decideCommand('deny');
