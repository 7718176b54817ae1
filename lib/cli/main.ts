import { type CliContext, errorMessage, UserError, usageError, writeLine } from './context.ts';
import { COMMAND_HELP, USAGE } from './usage.ts';

/**
 * The hostinger-orders command line. Each command's module is loaded only when it runs, so `help` and
 * argument errors answer at once.
 */
type Command = (ctx: CliContext, args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  submit: async () => (await import('./commands/submit.ts')).submitCommand,
  status: async () => (await import('./commands/status.ts')).statusCommand,
  follow: async () => (await import('./commands/follow.ts')).followCommand,
  redrive: async () => (await import('./commands/redrive.ts')).redriveCommand,
  budget: async () => (await import('./commands/budget.ts')).budgetCommand,
  approve: async () => (await import('./commands/decide.ts')).approveCommand,
  deny: async () => (await import('./commands/decide.ts')).denyCommand,
};

function help(ctx: CliContext, topic?: string): number {
  if (topic === undefined) {
    writeLine(ctx.stdout, USAGE);
    return 0;
  }
  const text = COMMAND_HELP[topic];
  if (!text) throw usageError(`no command "${topic}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  writeLine(ctx.stdout, text);
  return 0;
}

/** Runs one command line; returns the exit status. Everything it touches comes from `ctx`. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') return help(ctx, command === 'help' ? args[0] : undefined);
    const load = COMMANDS[command];
    if (!load) throw usageError(`unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}, help`);
    if (args.includes('--help') || args.includes('-h')) return help(ctx, command);
    return await (await load())(ctx, args);
  } catch (error) {
    if (error instanceof UserError) {
      writeLine(ctx.stderr, `hostinger-orders: ${error.message}`);
      return error.exitCode;
    }
    writeLine(ctx.stderr, `hostinger-orders: unexpected error: ${errorMessage(error)}`);
    if (ctx.env.HOSTINGER_ORDERS_DEBUG && error instanceof Error && error.stack) writeLine(ctx.stderr, error.stack);
    else writeLine(ctx.stderr, '(HOSTINGER_ORDERS_DEBUG=1 shows the stack trace)');
    return 1;
  }
}

/** The process entry (bin/hostinger-orders.mjs): the first Ctrl-C stops gracefully, a second one at once. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  // The AWS SDK warns on every run that its 2027 releases will need Node 22: noise in a command's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  const forceExitHandlers = new Set<() => void>();
  const onSigint = () => {
    if (!controller.signal.aborted) {
      controller.abort();
      process.stderr.write('\nstopping: finishing what is in flight (Ctrl-C again to quit at once)\n');
      return;
    }
    for (const handler of forceExitHandlers) {
      try {
        handler();
      } catch {
        // Quitting anyway.
      }
    }
    process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const ctx: CliContext = {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    onForceExit(handler) {
      forceExitHandlers.add(handler);
      return () => forceExitHandlers.delete(handler);
    },
    now: () => Date.now(),
  };
  const code = await runCli(argv, ctx);
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  process.exitCode = code;
}
