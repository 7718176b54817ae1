import type { CliContext, Env, LocalEndpoints } from '../../lib/cli/context.ts';
import { runCli } from '../../lib/cli/main.ts';
import type { LocalResources } from '../../local/stack.ts';

export interface Captured {
  text: string;
  isTTY?: boolean;
  write(s: string): boolean;
}

export const capture = (isTTY = false): Captured => ({
  text: '',
  isTTY,
  write(s: string) {
    this.text += s;
    return true;
  },
});

/** The local endpoints of a test stack, which runs on ephemeral ports. */
export const endpointsOf = (resources: LocalResources): LocalEndpoints => ({
  awsEndpoint: resources.awsEndpoint,
  region: resources.region,
  queueUrl: resources.queueUrl,
  deadLetterQueueUrl: resources.deadLetterQueueUrl,
  topicArn: resources.topicArn,
  tableName: resources.tableName,
  secretId: resources.secretId,
  hostingerApiUrl: resources.hostingerApiUrl,
});

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as the bin would, with captured output and an environment of its own. */
export function cli(
  argv: string[],
  options: { cwd: string; env?: Env; local?: Partial<LocalEndpoints>; signal?: AbortSignal; stdout?: Captured; stderr?: Captured },
): Promise<CliRun> & { stdout: Captured; stderr: Captured } {
  const stdout = options.stdout ?? capture();
  const stderr = options.stderr ?? capture();
  const ctx: CliContext = {
    env: options.env ?? {},
    cwd: options.cwd,
    stdout,
    stderr,
    signal: options.signal ?? new AbortController().signal,
    onForceExit: () => () => true,
    local: options.local,
    now: () => Date.now(),
  };
  const running = runCli(argv, ctx).then((code) => ({ code, stdout: stdout.text, stderr: stderr.text }));
  return Object.assign(running, { stdout, stderr });
}
