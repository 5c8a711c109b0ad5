/**
 * Self-contained SVG charts for reports (no script, no fonts, no network at view time): line
 * charts with axes, ticks and legend (learning curves, ROC curves) and confusion-matrix heat maps.
 */
import { escapeXml } from '../util/escape-xml.js';

/** One line of a chart. */
export interface Line {
  readonly label: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** Dashed (e.g. a last-epoch or reference line). */
  readonly dashed?: boolean;
}

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Fixed axis ranges (default: the data's). */
  readonly x?: readonly [number, number];
  readonly y?: readonly [number, number];
  /** Draw the y = x diagonal (ROC chance line). */
  readonly diagonal?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** A colour-blind-safe palette (Okabe-Ito), then greys. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000', '#777777', '#AAAAAA'];

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / count));
  const unit = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= count) ?? step * 10;
  const out: number[] = [];
  for (let v = Math.ceil(lo / unit) * unit; v <= hi + unit * 1e-9; v += unit) out.push(Number(v.toPrecision(12)));
  return out;
}

/**
 * An SVG line chart. Non-finite points are skipped.
 *
 * @example
 * lineChart([{ label: 'run a', points: [[1, 0.6], [2, 0.7]] }], { title: 'val accuracy', xLabel: 'epoch', yLabel: 'accuracy' });
 */
export function lineChart(lines: readonly Line[], options: LineChartOptions): string {
  const width = options.width ?? 520;
  const legendRows = lines.length;
  const height = (options.height ?? 300) + Math.max(0, legendRows - 1) * 14;
  const m = { l: 52, r: 16, t: 26, b: 44 + legendRows * 14 };
  const pts = lines.flatMap((l) => l.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  let [x0, x1] = options.x ?? (pts.length ? [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))] : [0, 1]);
  let [y0, y1] = options.y ?? (pts.length ? [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))] : [0, 1]);
  if (x1 - x0 < 1e-12) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 - y0 < 1e-12) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(options.title)}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const t of niceTicks(x0, x1))
    out.push(
      `<line x1="${sx(t).toFixed(1)}" y1="${m.t}" x2="${sx(t).toFixed(1)}" y2="${m.t + ph}" stroke="#eee"/><text x="${sx(t).toFixed(1)}" y="${m.t + ph + 14}" text-anchor="middle">${t}</text>`,
    );
  for (const t of niceTicks(y0, y1))
    out.push(
      `<line x1="${m.l}" y1="${sy(t).toFixed(1)}" x2="${m.l + pw}" y2="${sy(t).toFixed(1)}" stroke="#eee"/><text x="${m.l - 4}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`,
    );
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="${m.t + ph + 30}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  out.push(`<text transform="translate(13 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  if (options.diagonal) out.push(`<line x1="${sx(x0)}" y1="${sy(y0)}" x2="${sx(x1)}" y2="${sy(y1)}" stroke="#999" stroke-dasharray="4 3"/>`);
  lines.forEach((line, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const valid = line.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    const dash = line.dashed ? ' stroke-dasharray="5 3"' : '';
    if (valid.length > 1)
      out.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="1.8"${dash} points="${valid.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
      );
    if (valid.length <= 30) for (const [x, y] of valid) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.2" fill="${colour}"/>`);
    const ly = m.t + ph + 44 + i * 14;
    out.push(`<rect x="${m.l}" y="${ly - 9}" width="10" height="10" fill="${colour}"/><text x="${m.l + 16}" y="${ly}">${escapeXml(line.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** A confusion matrix (`matrix[true][predicted]` counts) as a heat map with counts and row shares. */
export function confusionMatrixSvg(matrix: readonly (readonly number[])[], classes: readonly string[], title: string): string {
  const n = classes.length;
  const cell = n > 3 ? 52 : 64;
  const m = { l: 110, t: 44, r: 12, b: 34 };
  const width = m.l + n * cell + m.r;
  const height = m.t + n * cell + m.b;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif" font-size="11" role="img" aria-label="${escapeXml(title)}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="15" text-anchor="middle" font-size="12" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${m.l + (n * cell) / 2}" y="32" text-anchor="middle">predicted</text>`,
  ];
  matrix.forEach((row, t) => {
    const total = row.reduce((s, v) => s + v, 0);
    out.push(`<text x="${m.l - 6}" y="${m.t + t * cell + cell / 2 + 4}" text-anchor="end">${escapeXml(classes[t] ?? String(t))}</text>`);
    row.forEach((count, p) => {
      const share = total === 0 ? 0 : count / total;
      const light = Math.round(255 - share * 200);
      const fill = t === p ? `rgb(${light},${Math.round(255 - share * 120)},${light})` : `rgb(255,${light},${light})`;
      const x = m.l + p * cell;
      const y = m.t + t * cell;
      out.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#fff"/>`);
      out.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" text-anchor="middle" font-weight="bold">${count}</text>`);
      out.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 13}" text-anchor="middle" fill="#444">${(share * 100).toFixed(0)} %</text>`);
    });
  });
  classes.forEach((c, p) =>
    out.push(
      `<text x="${m.l + p * cell + cell / 2}" y="${m.t + n * cell + 14}" text-anchor="middle">${escapeXml(c.length > 10 ? `${c.slice(0, 9)}…` : c)}</text>`,
    ),
  );
  out.push(`<text transform="translate(12 ${m.t + (n * cell) / 2}) rotate(-90)" text-anchor="middle">true</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** ROC curve points (false positive rate, true positive rate) of scores for a positive class. */
export function rocPoints(scores: readonly number[], positive: readonly boolean[]): [number, number][] {
  const order = scores.map((_s, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const pos = positive.filter(Boolean).length;
  const neg = positive.length - pos;
  if (pos === 0 || neg === 0) return [];
  const out: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    if (positive[order[k]!]) tp++;
    else fp++;
    // One point per distinct threshold (ties move together, as in sklearn's roc_curve).
    if (k + 1 === order.length || scores[order[k + 1]!] !== scores[order[k]!]) out.push([fp / neg, tp / pos]);
  }
  return out;
}
