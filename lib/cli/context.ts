/** What a CLI command runs with: its environment and streams, injectable so tests drive the real commands. */

export type Env = Record<string, string | undefined>;

/** A stream the CLI writes to (process.stdout/stderr, or a collector in tests). */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** The local stack's AWS endpoint and resources: those a running `npm start` recorded (see targets.ts). */
export interface LocalEndpoints {
  awsEndpoint: string;
  region: string;
  queueUrl: string;
  deadLetterQueueUrl: string;
  topicArn: string;
  tableName: string;
  secretId: string;
  /** The Hostinger API (the sandbox) a running `npm start` recorded, when it did. */
  hostingerApiUrl?: string;
  /** How the endpoint was found, for the line that says which stack a command talks to. */
  source?: string;
}

export interface CliContext {
  env: Env;
  cwd: string;
  stdout: Output;
  stderr: Output;
  /** Aborted on the first Ctrl-C: commands stop starting new work, finish what is in flight and report. */
  signal: AbortSignal;
  /** Registers what to do (synchronously) if the process is forced out by a second Ctrl-C. */
  onForceExit(handler: () => void): () => void;
  /** Overrides of the local stack's endpoints (tests run the stack on ephemeral ports). */
  local?: Partial<LocalEndpoints>;
  now(): number;
}

/** A problem the user can fix (a bad option, an unreadable file): printed as one line, no stack trace. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    /** 2 for usage errors (bad command line), 1 otherwise. */
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new UserError(message, 2);

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function writeLine(output: Output, line = ''): void {
  output.write(`${line}\n`);
}
