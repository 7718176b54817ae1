import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchRequestId, formatRanges, parseRanges, type PlannedOrder } from './file-batch.ts';
import { UserError, type Env } from './context.ts';

/**
 * The progress file of a batch: which lines the queue confirmed, so a re-run skips them and an interrupted
 * run can say exactly what was sent. It is a convenience on top of the real guarantee (the ledger never
 * buys one request id twice): losing it only means lines are sent again and deduplicated.
 */
export interface BatchState {
  version: 1;
  batch: string;
  /** The order file, as an absolute path. */
  file: string;
  /** sha256 of the file's content when the batch was last sent. */
  contentHash: string;
  /** Lines holding an order, as ranges ("2-501"). */
  lines: string;
  /** Lines that name their own request id, and that id. */
  ownIds: Record<string, string>;
  /** Lines the queue confirmed (SendMessageBatch answered them Successful), as ranges. */
  sent: string;
  createdAt: string;
  updatedAt: string;
}

export function stateDirectory(cwd: string, env: Env, flag?: string): string {
  return flag ?? env.HOSTINGER_ORDERS_STATE_DIR ?? join(cwd, '.hostinger-orders');
}

export const batchStatePath = (stateDir: string, batch: string) => join(stateDir, 'batches', `${batch}.json`);

function parseState(text: string, path: string): BatchState {
  try {
    const state = JSON.parse(text) as BatchState;
    if (state.version !== 1 || typeof state.batch !== 'string' || typeof state.sent !== 'string' || typeof state.lines !== 'string') throw new Error('unexpected shape');
    parseRanges(state.sent);
    parseRanges(state.lines);
    return state;
  } catch (error) {
    throw new UserError(`the progress file ${path} is damaged (${error instanceof Error ? error.message : String(error)}); move it away to start the batch afresh (lines sent again are deduplicated by request id)`);
  }
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
    try {
      const state = parseState(readFileSync(join(stateDir, 'batches', name), 'utf8'), name);
      return state.file === file ? [state] : [];
    } catch {
      return [];
    }
  });
}

export function newBatchState(batch: string, file: string, hash: string, planned: PlannedOrder[], now: Date, previous?: BatchState): BatchState {
  return {
    version: 1,
    batch,
    file,
    contentHash: hash,
    lines: formatRanges(planned.map((order) => order.line)),
    ownIds: Object.fromEntries(planned.filter((order) => order.ownId).map((order) => [String(order.line), order.requestId])),
    sent: previous?.sent ?? '',
    createdAt: previous?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** Every request id of a batch, in line order. */
export function requestIdsOf(state: BatchState): string[] {
  return parseRanges(state.lines).map((line) => state.ownIds[String(line)] ?? batchRequestId(state.batch, line));
}

/** What a (re-)run sends: the lines not confirmed earlier. */
export function planResume(planned: PlannedOrder[], state: BatchState | undefined): { toSend: PlannedOrder[]; skipped: PlannedOrder[] } {
  const sent = new Set(state ? parseRanges(state.sent) : []);
  return { toSend: planned.filter((order) => !sent.has(order.line)), skipped: planned.filter((order) => sent.has(order.line)) };
}

/** Keeps a batch's progress file up to date as lines are confirmed, writing at most every `intervalMs`. */
export class ProgressRecorder {
  private readonly sent: Set<number>;
  private dirty = false;
  private lastWrite = -Infinity;
  readonly path: string;

  constructor(
    private readonly stateDir: string,
    private state: BatchState,
    private readonly now: () => number,
    private readonly intervalMs = 200,
  ) {
    this.sent = new Set(parseRanges(state.sent));
    this.path = batchStatePath(stateDir, state.batch);
  }

  markSent(lines: number[]): void {
    for (const line of lines) this.sent.add(line);
    this.dirty = true;
    if (this.now() - this.lastWrite >= this.intervalMs) this.flush();
  }

  flush(): void {
    this.state = { ...this.state, sent: formatRanges(this.sent), updatedAt: new Date(this.now()).toISOString() };
    writeBatchState(this.stateDir, this.state);
    this.lastWrite = this.now();
    this.dirty = false;
  }

  flushIfDirty(): void {
    if (this.dirty) this.flush();
  }

  sentLines(): number[] {
    return [...this.sent];
  }
}
