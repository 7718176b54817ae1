import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliContext } from '../../lib/cli/context.ts';
import { runCli } from '../../lib/cli/main.ts';
import { batchesOfFile } from '../../lib/cli/progress-state.ts';
import type { LocalStack } from '../stack.ts';
import type { CampaignRequest } from './report.ts';

/**
 * The "file edited between CLI runs" fault class: requests sent by `hostinger-orders submit` from order
 * files that are edited between runs and continued in the same batch. A file is first sent in part; then
 * the rest of its lines are inserted at random places, sent lines are deleted and others moved, and it
 * is sent again; then every line is back (deleted ones too) in a new order, and it is sent a third time.
 * Every order must still be bought once (none twice, none skipped), which the campaign's figures check
 * like any other request's: each order carries its request's coupon.
 */
export interface EditedFileFigures {
  files: number;
  /** `submit` runs, all files together. */
  runs: number;
  /** Lines inserted before lines already sent, deleted after being sent, moved, and put back after a deletion. */
  inserted: number;
  deleted: number;
  moved: number;
  readded: number;
  /** Orders each run sent, all files together (the first, the second, the third run). */
  sentPerRun: number[];
}

export interface EditedFileRequest {
  request: CampaignRequest;
  body: object;
}

const shuffle = <T>(items: T[], random: () => number): T[] => {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
};

/** Runs `submit` in this process against the stack, as a user would against `npm start`. */
async function submit(stack: LocalStack, dir: string, file: string): Promise<number> {
  let output = '';
  const sink = { write: (text: string) => (output += text) };
  const ctx: CliContext = {
    env: {},
    cwd: dir,
    stdout: sink,
    stderr: sink,
    signal: new AbortController().signal,
    onForceExit: () => () => undefined,
    local: { awsEndpoint: stack.resources.awsEndpoint, region: stack.resources.region, queueUrl: stack.resources.queueUrl },
    now: () => Date.now(),
  };
  // The pipeline's own guards meet the campaign's unknown items: the CLI's catalog check is left out.
  const code = await runCli(['submit', file, '--no-catalog-check'], ctx);
  if (code !== 0) throw new Error(`hostinger-orders submit ${file} exited ${code}:\n${output}`);
  const sent = /^ {2}sent +(\d+)/m.exec(output);
  if (!sent) throw new Error(`hostinger-orders submit ${file} printed no count of lines sent:\n${output}`);
  return Number(sent[1]);
}

/**
 * Sends the requests through edited files of `perFile` orders and returns them with the request ids the
 * CLI gave them (known from the batch's progress file), and what was done to the files.
 */
export async function sendThroughEditedFiles(
  stack: LocalStack,
  orders: EditedFileRequest[],
  random: () => number,
  perFile = 10,
): Promise<{ requests: CampaignRequest[]; figures: EditedFileFigures }> {
  const dir = await mkdtemp(join(tmpdir(), 'hostinger-orders-campaign-files-'));
  const figures: EditedFileFigures = { files: 0, runs: 0, inserted: 0, deleted: 0, moved: 0, readded: 0, sentPerRun: [0, 0, 0] };
  const requests: CampaignRequest[] = [];
  try {
    for (let start = 0; start < orders.length; start += perFile) {
      const group = orders.slice(start, start + perFile);
      const name = `edited-${figures.files}.jsonl`;
      const path = join(dir, name);
      const write = (lines: EditedFileRequest[]) => writeFile(path, `${lines.map((line) => JSON.stringify(line.body)).join('\n')}\n`);
      const runs: EditedFileRequest[][] = [];
      figures.files += 1;

      // First run: part of the file.
      const firstCount = Math.max(1, Math.ceil(group.length * (0.3 + random() * 0.4)));
      let lines = shuffle(group, random).slice(0, firstCount);
      runs.push(lines);

      // Second run: the rest inserted anywhere (often above sent lines), some sent lines deleted, some moved.
      const deleted = lines.filter(() => random() < 0.25).slice(0, Math.max(0, lines.length - 1));
      lines = lines.filter((line) => !deleted.includes(line));
      figures.deleted += deleted.length;
      for (const line of group.filter((candidate) => !runs[0]?.includes(candidate))) {
        lines.splice(Math.floor(random() * (lines.length + 1)), 0, line);
        figures.inserted += 1;
      }
      const moves = Math.floor(random() * 3);
      for (let move = 0; move < moves && lines.length > 1; move++) {
        const [line] = lines.splice(Math.floor(random() * lines.length), 1);
        lines.splice(Math.floor(random() * (lines.length + 1)), 0, line as EditedFileRequest);
        figures.moved += 1;
      }
      runs.push(lines);

      // Third run: every line, the deleted ones back, in a new order: nothing new to buy.
      runs.push(shuffle(group, random));
      figures.readded += deleted.length;

      for (const [index, version] of runs.entries()) {
        await write(version);
        figures.sentPerRun[index] = (figures.sentPerRun[index] ?? 0) + (await submit(stack, dir, name));
        figures.runs += 1;
      }

      // The request id of each order: the progress file gives every line of the last version its id.
      const [state] = batchesOfFile(join(dir, '.hostinger-orders'), path);
      if (!state) throw new Error(`no progress file for ${name}`);
      const last = runs[runs.length - 1] ?? [];
      for (const [requestId, line] of Object.entries(state.requests)) {
        const order = last[line - 1];
        if (order) requests.push({ ...order.request, requestId });
      }
    }
    return { requests, figures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
