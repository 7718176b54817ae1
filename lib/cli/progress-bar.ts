import type { Output } from './context.ts';

export interface ProgressFigures {
  done: number;
  total: number;
  elapsedMs: number;
}

const rateOf = ({ done, elapsedMs }: ProgressFigures) => (elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0);
const percentOf = ({ done, total }: ProgressFigures) => (total > 0 ? Math.floor((done * 100) / total) : 100);

/** `[#########.....] 312/500 62% 1450/s` */
export function renderProgressBar(figures: ProgressFigures, width = 30): string {
  const filled = figures.total > 0 ? Math.min(width, Math.floor((figures.done * width) / figures.total)) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${figures.done}/${figures.total} ${percentOf(figures)}% ${rateOf(figures)}/s`;
}

/** `sent 312/500 (62%, 1450/s)`: for logs, where a redrawn bar would be noise. */
export function renderProgressLine(figures: ProgressFigures, verb = 'sent'): string {
  return `${verb} ${figures.done}/${figures.total} (${percentOf(figures)}%, ${rateOf(figures)}/s)`;
}

export interface ProgressReporter {
  update(done: number): void;
  /** Draws the final state and ends the line. */
  finish(): void;
}

/** A bar redrawn in place on a terminal; plain periodic lines otherwise. */
export function createProgressReporter(output: Output, total: number, now: () => number, options: { redrawMs?: number; lineEveryMs?: number } = {}): ProgressReporter {
  const started = now();
  const tty = Boolean(output.isTTY);
  const interval = tty ? (options.redrawMs ?? 100) : (options.lineEveryMs ?? 2000);
  let done = 0;
  let lastDrawn = -Infinity;
  let drawnDone = -1;
  const draw = () => {
    const figures = { done, total, elapsedMs: now() - started };
    if (tty) {
      const width = Math.max(10, Math.min(40, (output.columns || 80) - 40));
      output.write(`\r${renderProgressBar(figures, width)}\x1b[K`);
    } else {
      output.write(`${renderProgressLine(figures)}\n`);
    }
    lastDrawn = now();
    drawnDone = done;
  };
  return {
    update(value) {
      done = value;
      if (now() - lastDrawn >= interval) draw();
    },
    finish() {
      if (drawnDone !== done || tty) draw();
      if (tty) output.write('\n');
    },
  };
}
