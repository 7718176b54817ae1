/** Markdown tables: readable in a terminal, and pasted as they are into docs/performance.md. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => (align?.[i] === 'r' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join(' | ')} |`;
  // The rule as Biome formats Markdown tables, so that the page the bench writes passes the lint as written.
  const rule = `| ${widths.map((width, i) => (align?.[i] === 'r' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export const fixed = (value: number, digits: number): string => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Milliseconds, as ms below 10 s and as seconds above. */
export const duration = (ms: number): string => (ms < 10_000 ? `${fixed(ms, 0)} ms` : `${fixed(ms / 1000, 1)} s`);
