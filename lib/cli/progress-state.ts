import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Env, UserError } from './context.ts';
import type { PlannedOrder } from './file-batch.ts';

/**
 * The progress file of a batch: its orders and which of them the queue confirmed, by request id (so by
 * content: see file-batch.ts), so a re-run skips them wherever their lines are now, an interrupted run can
 * say exactly what was sent, and `status`/`follow` know the batch's members. It is a convenience on top of
 * the real guarantee (the ledger never buys one request id twice): losing it only means the orders are
 * sent again, with `--batch <name>`, and deduplicated.
 */
export interface BatchState {
  version: 2;
  batch: string;
  /** The order file, as an absolute path. */
  file: string;
  /** sha256 of the file's content when the batch was last sent. */
  contentHash: string;
  /** The request id of every order of the file as last read, with the line it was on. */
  requests: Record<string, number>;
  /** Request ids the queue confirmed (SendMessageBatch answered them Successful), in every run of the batch. */
  sent: string[];
  createdAt: string;
  updatedAt: string;
}

export function stateDirectory(cwd: string, env: Env, flag?: string): string {
  return flag ?? env.HOSTINGER_ORDERS_STATE_DIR ?? join(cwd, '.hostinger-orders');
}

export const batchStatePath = (stateDir: string, batch: string) => join(stateDir, 'batches', `${batch}.json`);

function parseState(text: string, path: string): BatchState {
  let state: BatchState;
  try {
    state = JSON.parse(text) as BatchState;
  } catch (error) {
    throw new UserError(
      `the progress file ${path} is damaged (${error instanceof Error ? error.message : String(error)}); move it away and continue the batch with --batch <name> (orders sent again are deduplicated by request id)`,
    );
  }
  if ((state as { version?: unknown }).version === 1) {
    throw new UserError(
      `the progress file ${path} was written by an earlier version of the CLI, which named orders by line number; finish that batch with that version, or move the file away (its orders would get new request ids and be bought again)`,
    );
  }
  if (state.version !== 2 || typeof state.batch !== 'string' || !Array.isArray(state.sent) || typeof state.requests !== 'object' || state.requests === null) {
    throw new UserError(
      `the progress file ${path} is damaged (unexpected shape); move it away and continue the batch with --batch <name> (orders sent again are deduplicated by request id)`,
    );
  }
  return state;
}

export function readBatchState(stateDir: string, batch: string): BatchState | undefined {
  const path = batchStatePath(stateDir, batch);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseState(text, path);
}

/** Written whole and renamed into place, so a crash never leaves half a file. */
export function writeBatchState(stateDir: string, state: BatchState): string {
  const path = batchStatePath(stateDir, state.batch);
  mkdirSync(join(stateDir, 'batches'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, path);
  return path;
}

/** Other batches sent from the same file: a file edited after a partial send must not silently become a new batch. */
export function batchesOfFile(stateDir: string, file: string): BatchState[] {
  let names: string[];
  try {
    names = readdirSync(join(stateDir, 'batches')).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(stateDir, 'batches', name);
    let text: string;
    let raw: { version?: unknown; file?: unknown };
    try {
      text = readFileSync(path, 'utf8');
      raw = JSON.parse(text) as typeof raw;
    } catch {
      return []; // Unreadable: not known to be this file's.
    }
    // This file's batch from the earlier CLI is refused (parseState says why), never silently passed over for a new batch.
    return raw?.file === file ? [parseState(text, path)] : [];
  });
}

/**
 * Batches of a file in the state directory in use and in a `.hostinger-orders` of the file's folder or any
 * folder above it: a file sent before from another working directory (whose progress file is there)
 * continues its batch rather than becoming a new one, whose request ids would buy its orders again.
 */
export function findBatchesOfFile(stateDir: string, file: string): { state: BatchState; stateDir: string }[] {
  const dirs = [stateDir];
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    const candidate = join(folder, '.hostinger-orders');
    if (!dirs.includes(candidate)) dirs.push(candidate);
    if (dirname(folder) === folder) break;
  }
  return dirs.flatMap((dir) => batchesOfFile(dir, file).map((state) => ({ state, stateDir: dir })));
}

export function newBatchState(batch: string, file: string, hash: string, planned: PlannedOrder[], now: Date, previous?: BatchState): BatchState {
  return {
    version: 2,
    batch,
    file,
    contentHash: hash,
    requests: Object.fromEntries(planned.map((order) => [order.requestId, order.line])),
    sent: previous?.sent ?? [],
    createdAt: previous?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** Every request id of a batch: the file's orders as last read, and any sent before they left the file. */
export function requestIdsOf(state: BatchState): string[] {
  return [...new Set([...Object.keys(state.requests), ...state.sent])];
}

/**
 * A batch's members as its progress file grows: `follow` started before `submit` (or between two runs)
 * knows each order as soon as submit records it, which it does before sending it.
 */
export class BatchMembers {
  private ids = new Set<string>();
  private order: string[] = [];
  /** Identifies the version of the file last read (it is replaced whole, by rename). */
  private version = '';

  constructor(
    private readonly stateDir: string,
    private readonly batch: string,
  ) {}

  /** Reads the progress file again if it changed since the last read. */
  refresh(): void {
    let version: string;
    try {
      const stat = statSync(batchStatePath(this.stateDir, this.batch));
      version = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      return; // Not written yet.
    }
    if (version === this.version) return;
    const state = readBatchState(this.stateDir, this.batch);
    if (!state) return;
    this.order = requestIdsOf(state);
    this.ids = new Set(this.order);
    this.version = version;
  }

  /** Whether a request belongs to the batch, reading the file again when it is not (yet) known. */
  has(requestId: string): boolean {
    if (!this.ids.has(requestId)) this.refresh();
    return this.ids.has(requestId);
  }

  /** The members known now, the file's orders in line order first. */
  all(): string[] {
    return [...this.order];
  }

  get recorded(): boolean {
    return this.version !== '';
  }
}

/** What a (re-)run sends: the orders not confirmed earlier, whatever line they are on now. */
export function planResume(planned: PlannedOrder[], state: BatchState | undefined): { toSend: PlannedOrder[]; skipped: PlannedOrder[] } {
  const sent = new Set(state?.sent ?? []);
  return { toSend: planned.filter((order) => !sent.has(order.requestId)), skipped: planned.filter((order) => sent.has(order.requestId)) };
}

/** Keeps a batch's progress file up to date as lines are confirmed, writing at most every `intervalMs`. */
export class ProgressRecorder {
  private readonly sent: Set<string>;
  private readonly idOfLine: Map<number, string>;
  private dirty = false;
  private lastWrite = -Infinity;
  readonly path: string;

  constructor(
    private readonly stateDir: string,
    private state: BatchState,
    private readonly planned: PlannedOrder[],
    private readonly now: () => number,
    private readonly intervalMs = 200,
  ) {
    this.sent = new Set(state.sent);
    this.idOfLine = new Map(planned.map((order) => [order.line, order.requestId]));
    this.path = batchStatePath(stateDir, state.batch);
  }

  /** Lines of this run's file that the queue confirmed. */
  markSent(lines: number[]): void {
    for (const line of lines) {
      const id = this.idOfLine.get(line);
      if (id !== undefined) this.sent.add(id);
    }
    this.dirty = true;
    if (this.now() - this.lastWrite >= this.intervalMs) this.flush();
  }

  flush(): void {
    this.state = { ...this.state, sent: [...this.sent], updatedAt: new Date(this.now()).toISOString() };
    writeBatchState(this.stateDir, this.state);
    this.lastWrite = this.now();
    this.dirty = false;
  }

  flushIfDirty(): void {
    if (this.dirty) this.flush();
  }

  /** The lines of this run's file whose orders were confirmed, in this run or before. */
  sentLines(): number[] {
    return this.planned.filter((order) => this.sent.has(order.requestId)).map((order) => order.line);
  }
}
