import sharp from 'sharp';
import type { StepOutput } from './chain.js';
import { escapeXml } from '../util/escape-xml.js';

/** Options of {@link renderPreviewGrid}. */
export interface GridOptions {
  /** Tiles per row (default min(4, number of panels)). */
  readonly columns?: number;
  /** Height of each image tile in pixels (default 208, the Kaggle slice height). */
  readonly tileHeight?: number;
}

const LABEL_HEIGHT = 34;
const GAP = 6;

/** Splits a long step label after `(` or `,` so it fits two lines under a tile. */
function labelLines(label: string, width: number): string[] {
  const perLine = Math.max(8, Math.floor(width / 6.2));
  if (label.length <= perLine) return [label];
  const cut = Math.max(label.lastIndexOf(',', perLine), label.lastIndexOf('(', perLine));
  const at = cut > 0 ? cut + 1 : perLine;
  const rest = label.slice(at);
  return [label.slice(0, at), rest.length > perLine ? `${rest.slice(0, perLine - 1)}…` : rest];
}

/**
 * Renders step outputs as one PNG: each image scaled to a common tile height (nearest neighbour,
 * so pixels stay honest) with its step label and size underneath, white on black.
 */
export async function renderPreviewGrid(steps: readonly StepOutput[], options: GridOptions = {}): Promise<Buffer> {
  const tileHeight = options.tileHeight ?? 208;
  const columns = Math.max(1, Math.min(options.columns ?? 4, steps.length));
  const tiles = await Promise.all(
    steps.map(async ({ image }) => {
      const width = Math.max(1, Math.round((image.width * tileHeight) / image.height));
      const data = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
        raw: { width: image.width, height: image.height, channels: image.channels },
      })
        .resize(width, tileHeight, { kernel: 'nearest' })
        .toColourspace('srgb')
        .png()
        .toBuffer();
      return { width, data };
    }),
  );
  const cellWidth = Math.max(...tiles.map((t) => t.width), 150);
  const rows = Math.ceil(steps.length / columns);
  const width = columns * cellWidth + (columns + 1) * GAP;
  const height = rows * (tileHeight + LABEL_HEIGHT) + (rows + 1) * GAP;
  const composites: sharp.OverlayOptions[] = [];
  steps.forEach((step, i) => {
    const left = GAP + (i % columns) * (cellWidth + GAP);
    const top = GAP + Math.floor(i / columns) * (tileHeight + LABEL_HEIGHT + GAP);
    composites.push({ input: tiles[i]!.data, left: left + Math.floor((cellWidth - tiles[i]!.width) / 2), top });
    const lines = labelLines(`${i === 0 ? '' : `${i}. `}${step.label}`, cellWidth);
    if (lines.length === 1) lines.push(`${step.image.width}x${step.image.height}`);
    const text = lines
      .map((line, k) => `<text x="2" y="${13 + k * 14}" font-family="DejaVu Sans Mono, monospace" font-size="11" fill="#fff">${escapeXml(line)}</text>`)
      .join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${cellWidth}" height="${LABEL_HEIGHT}">${text}</svg>`;
    composites.push({ input: Buffer.from(svg), left, top: top + tileHeight + 2 });
  });
  return sharp({ create: { width, height, channels: 3, background: { r: 24, g: 24, b: 24 } } })
    .composite(composites)
    .png()
    .toBuffer();
}
