import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';

/**
 * The "jet" colour map (blue, cyan, yellow, red) at t in [0, 1], as 8-bit RGB.
 *
 * Source: MATLAB/Matplotlib `jet` piecewise-linear definition.
 *
 * @param t position in the map, in [0, 1] (outside it each channel is clamped, so far values fade to black)
 * @returns `[r, g, b]`, each 0..255
 */
export function jet(t: number): [number, number, number] {
  const c = (x: number) => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * t - 3)), c(1.5 - Math.abs(4 * t - 2)), c(1.5 - Math.abs(4 * t - 1))];
}

/**
 * Blends a heat map over a gray slice: each pixel is (1 - a) * gray + a * jet(heat) with a =
 * `opacity` * heat, so cold regions show the slice and hot ones the colour. Returns RGB bytes.
 *
 * @param gray slice pixels, 0..255, row-major width x height
 * @param heat values in [0, 1], same size (clamped)
 * @param opacity the blend weight at heat 1, in [0, 1] (default 0.6)
 * @returns interleaved RGB bytes, 3 per pixel of `gray`
 */
export function overlayHeatmap(gray: ArrayLike<number>, heat: ArrayLike<number>, opacity = 0.6): Uint8Array {
  const out = new Uint8Array(gray.length * 3);
  for (let i = 0; i < gray.length; i++) {
    const h = Math.min(1, Math.max(0, heat[i]!));
    const a = opacity * h;
    const rgb = jet(h);
    for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.round((1 - a) * gray[i]! + a * rgb[k]!);
  }
  return out;
}

/**
 * Writes the slice with its Grad-CAM heat map over it as a PNG (folders created).
 *
 * @example
 * await writeCamPng('cam/0.png', slicePixels, cam.heatmap, cam.width, cam.height);
 *
 * @param path the PNG file to write (parent folders are created)
 * @param gray slice pixels, 0..255, row-major `width` x `height`
 * @param heat heat values in [0, 1], same size
 * @param width image width in pixels
 * @param height image height in pixels
 * @returns a promise that resolves once the file is written
 * @throws Error from sharp when `width` x `height` does not match the data, or from node:fs when the file cannot be written.
 */
export async function writeCamPng(path: string, gray: ArrayLike<number>, heat: ArrayLike<number>, width: number, height: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await sharp(Buffer.from(overlayHeatmap(gray, heat)), { raw: { width, height, channels: 3 } })
    .png()
    .toFile(path);
}
