/** Reliability diagram (Guo et al. 2017, figure 1) as a dependency-free SVG, like the run's other plots. */
import type { Calibration } from './calibration.js';
import { escapeXml } from '../util/escape-xml.js';

/**
 * Bars of accuracy per confidence bin against the diagonal of perfect calibration; the gap to
 * the diagonal is shaded, the sample count is written over each bar, and the ECE is in the
 * title. One or two calibrations (e.g. before and after temperature scaling) side by side.
 *
 * @param panels one panel per calibration: its title (XML-escaped) and the `calibration()` result
 * @param size side of each panel's plot area in SVG pixels; default 300
 * @returns a standalone SVG document (width `panels.length * (size + 56)`, height `size + 76`)
 *
 * @example
 * writeFileSync('plots/reliability.svg', reliabilityDiagramSvg([{ label: 'test', calibration: calibration(labels, probs) }]));
 */
export function reliabilityDiagramSvg(panels: ReadonlyArray<{ label: string; calibration: Calibration }>, size = 300): string {
  const m = { l: 44, r: 12, t: 36, b: 40 };
  const w = size + m.l + m.r;
  const h = size + m.t + m.b;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w * panels.length}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  panels.forEach(({ label, calibration: c }, p) => {
    const ox = p * w + m.l;
    const sx = (x: number) => ox + x * size;
    const sy = (y: number) => m.t + (1 - y) * size;
    out.push(`<text x="${ox + size / 2}" y="14" text-anchor="middle" font-size="13">${escapeXml(label)}</text>`);
    out.push(`<text x="${ox + size / 2}" y="28" text-anchor="middle">ECE ${Number.isFinite(c.ece) ? c.ece.toFixed(3) : '-'} (${c.bins} bins, n=${c.n})</text>`);
    for (const b of c.reliability) {
      if (!b.count) continue;
      const x = sx(b.low) + 1;
      const bw = (b.high - b.low) * size - 2;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${sy(b.accuracy).toFixed(1)}" width="${bw.toFixed(1)}" height="${(sy(0) - sy(b.accuracy)).toFixed(1)}" fill="#1f77b4"/>`,
      );
      const centre = (b.low + b.high) / 2;
      const [top, bottom] = centre > b.accuracy ? [centre, b.accuracy] : [b.accuracy, centre];
      out.push(
        `<rect x="${x.toFixed(1)}" y="${sy(top).toFixed(1)}" width="${bw.toFixed(1)}" height="${(sy(bottom) - sy(top)).toFixed(1)}" fill="#d62728" fill-opacity="0.3"/>`,
      );
      out.push(`<text x="${(x + bw / 2).toFixed(1)}" y="${(sy(b.accuracy) - 2).toFixed(1)}" text-anchor="middle" font-size="8">${b.count}</text>`);
    }
    out.push(`<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#777" stroke-dasharray="4 3"/>`);
    out.push(`<rect x="${sx(0)}" y="${sy(1)}" width="${size}" height="${size}" fill="none" stroke="black"/>`);
    for (const t of [0, 0.5, 1]) {
      out.push(`<text x="${sx(t)}" y="${sy(0) + 14}" text-anchor="middle">${t}</text>`);
      out.push(`<text x="${sx(0) - 4}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
    }
    out.push(`<text x="${ox + size / 2}" y="${h - 6}" text-anchor="middle">confidence (top-class probability)</text>`);
    out.push(`<text transform="translate(${ox - 32},${m.t + size / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
