/**
 * Renders a synthetic subject's axial slices: for every output pixel, map it into the template
 * through the subject's deformation, read the template's channels there (trilinear), apply the
 * subject's atrophy as moving boundaries, then its contrast, bias field and noise.
 */
import { biasGain, intensityTable } from './appearance.js';
import { bandCoverage } from './atrophy.js';
import { mapToTemplate } from './deformation.js';
import { createRng } from './rng.js';
import { SLICE_HEIGHT, SLICE_WIDTH, type Subject } from './subject.js';
import { Channel, CHANNELS, DEPTH_SCALE, DEPTH_ZERO, type Template } from './template.js';

/** Pixels between exact evaluations of the deformation and bias field along a row. */
const KNOT = 8;
/** The hippocampus erodes only within this distance (mm) of CSF, fading out over its second half. */
const HIPPOCAMPUS_CSF_REACH_MM = 4;

/** Bits of a label pixel. */
export const LabelBit = {
  /** Inside the (enlarged) ventricles. */
  ventricle: 1,
  /** Inside the (shrunk) hippocampi. */
  hippocampus: 2,
} as const;

/** A subject's rendered slices, each `SLICE_WIDTH * SLICE_HEIGHT` bytes, row-major, anterior at the top. */
export interface RenderedSubject {
  /** 8-bit grey slices, bottom to top; background (outside the brain) is exactly 0. */
  readonly images: Uint8Array[];
  /** Per-pixel {@link LabelBit} masks of the same slices, when asked for. */
  readonly labels?: Uint8Array[];
}

/**
 * Renders every slice of a subject.
 *
 * Display follows radiological convention, like OASIS and the Kaggle slices: the subject's right
 * is on the image's left, anterior at the top.
 *
 * @param template the loaded template
 * @param subject the subject to render
 * @param withLabels also return ventricle and hippocampus masks (for measuring, not written to disk); default false
 * @returns one 8-bit slice (`SLICE_WIDTH` x `SLICE_HEIGHT`, row-major) per level, bottom to top, and the label masks
 *   when asked for
 * @example
 * const { images } = renderSubject(template, drawSubject(1, 0, 0, template));
 * images.length; // 32
 */
export function renderSubject(template: Template, subject: Subject, withLabels = false): RenderedSubject {
  const [nx, ny, nz] = template.dims;
  const [ox, oy, oz] = template.origin;
  const ch = template.channels;
  const { atrophy, appearance } = subject;
  const table = intensityTable(template.levels, appearance.levels);
  const templateCsf = template.levels.csf;
  const noise = createRng(subject.noiseSeed, 'pixels');
  const q = new Float64Array(3);
  const sx = nx * CHANNELS;
  const sxy = nx * ny * CHANNELS;
  const images: Uint8Array[] = [];
  const labels: Uint8Array[] = [];

  // The deformation and bias field are smooth on a scale of centimetres: evaluate them every
  // KNOT pixels along a row and interpolate linearly (about 4x faster, sub-0.1 mm difference).
  const knots = Math.ceil(SLICE_WIDTH / KNOT) + 1;
  const knotQ = new Float64Array(knots * 3);
  const knotGain = new Float64Array(knots);
  const s = new Float64Array(CHANNELS);
  let spareNormal = Number.NaN;
  const normal = (): number => {
    // Box-Muller gives two normals per pair of uniforms; use both.
    if (!Number.isNaN(spareNormal)) {
      const n = spareNormal;
      spareNormal = Number.NaN;
      return n;
    }
    const r = Math.sqrt(-2 * Math.log(1 - noise.next()));
    const a = 2 * Math.PI * noise.next();
    spareNormal = r * Math.sin(a);
    return r * Math.cos(a);
  };

  for (const z of subject.sliceZ) {
    const image = new Uint8Array(SLICE_WIDTH * SLICE_HEIGHT);
    const label = withLabels ? new Uint8Array(SLICE_WIDTH * SLICE_HEIGHT) : undefined;
    for (let v = 0; v < SLICE_HEIGHT; v++) {
      const y = SLICE_HEIGHT / 2 - (v + 0.5);
      for (let k = 0; k < knots; k++) {
        const x = SLICE_WIDTH / 2 - (k * KNOT + 0.5);
        mapToTemplate(subject.deformation, x, y, z, q);
        knotQ[3 * k] = (q[0] as number) - ox;
        knotQ[3 * k + 1] = (q[1] as number) - oy;
        knotQ[3 * k + 2] = (q[2] as number) - oz;
        knotGain[k] = biasGain(appearance, x, y, z);
      }
      for (let u = 0; u < SLICE_WIDTH; u++) {
        const k = Math.floor(u / KNOT);
        const t = (u - k * KNOT) / KNOT;
        const fx = (knotQ[3 * k] as number) + t * ((knotQ[3 * k + 3] as number) - (knotQ[3 * k] as number));
        const fy = (knotQ[3 * k + 1] as number) + t * ((knotQ[3 * k + 4] as number) - (knotQ[3 * k + 1] as number));
        const fz = (knotQ[3 * k + 2] as number) + t * ((knotQ[3 * k + 5] as number) - (knotQ[3 * k + 2] as number));
        if (!(fx >= 0 && fy >= 0 && fz >= 0 && fx < nx - 1 && fy < ny - 1 && fz < nz - 1)) continue;
        const ix = Math.floor(fx);
        const iy = Math.floor(fy);
        const iz = Math.floor(fz);
        const ax = fx - ix;
        const ay = fy - iy;
        const az = fz - iz;
        const o0 = ix * CHANNELS + iy * sx + iz * sxy;
        const o1 = o0 + CHANNELS;
        const o2 = o0 + sx;
        const o3 = o2 + CHANNELS;
        const o4 = o0 + sxy;
        const o5 = o4 + CHANNELS;
        const o6 = o4 + sx;
        const o7 = o6 + CHANNELS;
        // Trilinear weights of the 8 corners, (x, y, z) = 000, 100, 010, 110, 001, 101, 011, 111.
        const w0 = (1 - ax) * (1 - ay) * (1 - az);
        const w1 = ax * (1 - ay) * (1 - az);
        const w2 = (1 - ax) * ay * (1 - az);
        const w3 = ax * ay * (1 - az);
        const w4 = (1 - ax) * (1 - ay) * az;
        const w5 = ax * (1 - ay) * az;
        const w6 = (1 - ax) * ay * az;
        const w7 = ax * ay * az;
        for (let c = 0; c < CHANNELS; c++) {
          s[c] =
            w0 * (ch[o0 + c] as number) +
            w1 * (ch[o1 + c] as number) +
            w2 * (ch[o2 + c] as number) +
            w3 * (ch[o3 + c] as number) +
            w4 * (ch[o4 + c] as number) +
            w5 * (ch[o5 + c] as number) +
            w6 * (ch[o6 + c] as number) +
            w7 * (ch[o7 + c] as number);
        }
        let value = s[Channel.intensity] as number;
        if (value <= 0) continue; // outside the brain: background stays exactly 0, as in the Kaggle slices
        const ventricleDepth = ((s[Channel.ventricle] as number) - DEPTH_ZERO) / DEPTH_SCALE;
        const hippocampusDepth = ((s[Channel.hippocampus] as number) - DEPTH_ZERO) / DEPTH_SCALE;
        const cortexDepth = ((s[Channel.cortex] as number) - DEPTH_ZERO) / DEPTH_SCALE;
        const surfaceDepth = ((s[Channel.surface] as number) - DEPTH_ZERO) / DEPTH_SCALE;
        const thinning = (atrophy.cortexMm * (s[Channel.thinningWeight] as number)) / 255;
        // The hippocampus recedes from the CSF beside it (temporal horn, ambient cistern), which is
        // what widens on scans; where it borders white matter it does not leave a dark rim.
        const nearCsf =
          cortexDepth < HIPPOCAMPUS_CSF_REACH_MM ? (cortexDepth < HIPPOCAMPUS_CSF_REACH_MM / 2 ? 1 : 2 - (2 * cortexDepth) / HIPPOCAMPUS_CSF_REACH_MM) : 0;
        const hippocampusLoss = atrophy.hippocampusMm * nearCsf;
        // Tissue that atrophy removes turns to CSF (never brightening what is already darker). The
        // ventricle band also reaches up to 1 mm inside the old ventricle, so its partial-volume
        // edge turns to CSF too instead of leaving a bright ring inside the enlarged ventricle.
        // (The other depths are not exact outside their masks, so their bands stop at the edge.)
        const toCsf = Math.max(
          bandCoverage(ventricleDepth, -atrophy.ventricleMm, Math.min(atrophy.ventricleMm, 1)),
          bandCoverage(hippocampusDepth, 0, hippocampusLoss),
          bandCoverage(cortexDepth, 0, thinning),
        );
        if (value > templateCsf) value += (templateCsf - value) * toCsf;
        // At the brain's outer surface the lost cortex leaves background, as skull stripping would.
        value *= 1 - bandCoverage(surfaceDepth, 0, thinning);
        const level = value >= 256 ? 256 : value;
        const li = Math.floor(level);
        const mapped = li >= 256 ? (table[256] as number) : (table[li] as number) + (level - li) * ((table[li + 1] as number) - (table[li] as number));
        const gain = (knotGain[k] as number) + t * ((knotGain[k + 1] as number) - (knotGain[k] as number));
        const out = mapped * gain + appearance.noiseSd * normal();
        image[v * SLICE_WIDTH + u] = out <= 0.5 ? 1 : out >= 255 ? 255 : Math.round(out);
        if (label) {
          let bits = 0;
          if (ventricleDepth > -atrophy.ventricleMm) bits |= LabelBit.ventricle;
          if (hippocampusDepth >= hippocampusLoss) bits |= LabelBit.hippocampus;
          label[v * SLICE_WIDTH + u] = bits;
        }
      }
    }
    images.push(image);
    if (label) labels.push(label);
  }
  return withLabels ? { images, labels } : { images };
}
