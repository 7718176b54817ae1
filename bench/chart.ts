import type { PipelineResult } from './pipeline.ts';

/** The scale table as an SVG bar chart: raw and pipeline orders/s for each configuration. */
export function scaleChart(cells: readonly PipelineResult[]): string {
  const width = 100 + 100 * cells.length;
  const height = 320;
  const margin = { top: 40, right: 20, bottom: 60, left: 60 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const max = Math.max(1, ...cells.flatMap(({ raw, pipeline }) => [raw.perSecond, pipeline.perSecond]));
  const step = 10 ** Math.floor(Math.log10(max));
  const top = Math.ceil(max / step) * step;
  const y = (value: number) => margin.top + plotHeight - (value / top) * plotHeight;
  const group = plotWidth / Math.max(1, cells.length);
  const bar = group / 3;
  const parts: string[] = [];
  for (let tick = 0; tick <= top; tick += step) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`);
  }
  cells.forEach(({ config, worker, raw, pipeline }, i) => {
    const x = margin.left + i * group + bar / 2;
    const base = y(0);
    parts.push(`<rect x="${x}" y="${y(raw.perSecond)}" width="${bar}" height="${base - y(raw.perSecond)}" fill="#9aa5b1"/>`);
    parts.push(`<rect x="${x + bar}" y="${y(pipeline.perSecond)}" width="${bar}" height="${base - y(pipeline.perSecond)}" fill="#2f6fdb"/>`);
    parts.push(`<text x="${x + bar}" y="${Math.min(y(raw.perSecond), y(pipeline.perSecond)) - 6}" text-anchor="middle">${(pipeline.perSecond / raw.perSecond).toFixed(2)}</text>`);
    parts.push(`<text x="${x + bar}" y="${base + 18}" text-anchor="middle">batch ${worker.batchSize}</text>`);
    parts.push(`<text x="${x + bar}" y="${base + 32}" text-anchor="middle">concurrency ${worker.concurrency}</text>`);
    parts.push(`<text x="${x + bar}" y="${base + 46}" text-anchor="middle">${config.latencyMs} ms</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="20" font-size="14">Orders/s: raw fetch loop (grey), pipeline (blue); pipeline/raw above; sandbox latency below</text>`,
    ...parts,
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(0)}" y2="${y(0)}" stroke="#333"/>`,
    '</svg>',
    '',
  ].join('\n');
}
