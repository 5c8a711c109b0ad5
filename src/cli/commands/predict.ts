import { extname } from 'node:path';
import { tensor } from '../../torch/creation.js';
import { tidy } from '../../torch/scope.js';
import { decodeImage } from '../../data/decode-image.js';
import { getModelSpec } from '../../models/registry.js';
import { writeCamPng } from '../../eval/cam-overlay.js';
import { gradCam } from '../../eval/grad-cam.js';
import { toModelInput } from '../../eval/model-input.js';
import { preprocessSlices } from '../../data/data-tensors.js';
import { loadTrainedModel } from '../../models/load-trained.js';
import { invalid } from '../../util/errors.js';
import { loadVolumeTensor, volumePipeline } from '../../data/volume-dataset.js';
import { inferVolumes } from '../../eval/infer-volumes.js';
import { gradCam3d } from '../../eval/grad-cam-3d.js';
import { writeCam3dPng } from '../../eval/cam-overlay-3d.js';
import type { TrainedModel } from '../../models/load-trained.js';
import { type Command, parseFlags } from '../command.js';
import { INPUT_LIMITS, readInputFile } from '../../util/read-input.js';

const usage = `usage: alzbench predict <run|checkpoint> <image...> [--cam out.png] [--json]

Class probabilities of slices from a saved model (a run folder or id: its best checkpoint; or a
.ckpt file), after the run's preprocessing chain at its input size. With --cam, writes the
Grad-CAM heat map of the predicted class over each slice (at the model's registered target layer);
with several images the files are numbered: out-1.png, out-2.png, ...

Volume runs (train --input volume) take whole volumes instead: NIfTI .nii / .nii.gz or Analyze
.hdr/.img, read in RAS+ and prepared with the run's recorded volume transforms (spacing, crop to
the brain, z-score, crop/pad to its shape); --cam then writes the 3-D Grad-CAM as the axial,
coronal and sagittal planes through its peak, side by side in one PNG.

flags:
  --cam FILE        write the heat map PNG(s)
  --runs-dir DIR    where run ids are looked up (default runs)
  --json            print one JSON document on stdout`;

/** `out.png` for one image, `out-1.png`, `out-2.png`, ... for several. */
export function camPath(base: string, index: number, count: number): string {
  if (count === 1) return base;
  const ext = extname(base) || '.png';
  return `${base.slice(0, base.length - extname(base).length)}-${index + 1}${ext}`;
}

/** `alzbench predict`: probabilities (and Grad-CAM) for single slices. */
export const predictCommand: Command = {
  name: 'predict',
  summary: 'class probabilities of MRI slices from a saved model, with optional Grad-CAM heat maps',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      'predict',
      argv,
      { cam: { type: 'string' }, 'runs-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
      true,
    );
    if (positionals.length < 2)
      throw invalid('a run or checkpoint and at least one image', 'arguments', positionals, 'e.g. alzbench predict runs/<id> slice.jpg');
    const [ref, ...images] = positionals as [string, ...string[]];
    const trained = loadTrainedModel(ref, values['runs-dir'] ? { runsDir: values['runs-dir'] } : {});
    try {
      if (trained.input === 'volume') return await predictVolumes(trained, images, values.cam, values.json === true);
      const rasters = [];
      for (const path of images) {
        // A regular file of at most INPUT_LIMITS.image bytes; errors name the file.
        const bytes = await readInputFile(path, 'image', INPUT_LIMITS.image);
        rasters.push(await decodeImage(bytes, { name: path }));
      }
      const { pixels, size } = await preprocessSlices(rasters, trained.chain, trained.imageSize);
      const [h, w] = size;
      const layer = getModelSpec(trained.config.model).gradCamLayer;
      const out = [];
      for (let i = 0; i < images.length; i++) {
        const slice = pixels.subarray(i * h * w, (i + 1) * h * w);
        const cam = tidy(() => gradCam(trained.model, layer, toModelInput(tensor(slice, { shape: [1, 1, h, w] }))));
        const probabilities = Object.fromEntries(trained.classes.map((c, k) => [c, cam.probabilities[k]!]));
        const entry: { image: string; predicted: string; probabilities: Record<string, number>; cam?: string } = {
          image: images[i]!,
          predicted: trained.classes[cam.targetClass]!,
          probabilities,
        };
        if (values.cam) {
          entry.cam = camPath(values.cam, i, images.length);
          await writeCamPng(entry.cam, slice, cam.heatmap, w, h);
        }
        out.push(entry);
      }
      if (values.json) {
        process.stdout.write(
          `${JSON.stringify({ checkpoint: trained.checkpoint, model: trained.config.model, classes: trained.classes, predictions: out })}\n`,
        );
      } else {
        for (const p of out) {
          const probs = Object.entries(p.probabilities)
            .map(([c, v]) => `${c} ${v.toFixed(3)}`)
            .join(', ');
          console.log(`${p.image}: ${p.predicted} (${probs})${p.cam ? `; Grad-CAM ${p.cam}` : ''}`);
        }
      }
      return 0;
    } finally {
      trained.model.dispose();
    }
  },
};

/** predict for a volume run: each file read as a volume, prepared as the run prepared its volumes. */
async function predictVolumes(trained: TrainedModel, files: readonly string[], camBase: string | undefined, json: boolean): Promise<number> {
  const pipeline = volumePipeline(trained.volume!);
  const layer = getModelSpec(trained.config.model).gradCamLayer;
  const out = [];
  for (const [i, file] of files.entries()) {
    // The volume reader's named errors (not-a-volume says what the file is) reach the user as they are.
    const volume = await loadVolumeTensor([file], pipeline);
    try {
      const probabilities = Array.from(inferVolumes(trained.model, volume, null, 1).probabilities);
      const predicted = probabilities.indexOf(Math.max(...probabilities));
      const entry: { volume: string; predicted: string; probabilities: Record<string, number>; cam?: string; peak?: number[] } = {
        volume: file,
        predicted: trained.classes[predicted]!,
        probabilities: Object.fromEntries(trained.classes.map((c, k) => [c, probabilities[k]!])),
      };
      if (camBase) {
        const cam = tidy(() => gradCam3d(trained.model, layer, volume, predicted));
        entry.cam = camPath(camBase, i, files.length);
        entry.peak = cam.peak;
        await writeCam3dPng(entry.cam, volume.toArray() as Float32Array, cam);
      }
      out.push(entry);
    } finally {
      volume.dispose();
    }
  }
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ checkpoint: trained.checkpoint, model: trained.config.model, input: 'volume', classes: trained.classes, predictions: out })}\n`,
    );
    return 0;
  }
  for (const p of out) {
    const probs = Object.entries(p.probabilities)
      .map(([c, v]) => `${c} ${v.toFixed(3)}`)
      .join(', ');
    console.log(
      `${p.volume}: ${p.predicted} (${probs})${p.cam ? `; 3-D Grad-CAM ${p.cam} (axial, coronal, sagittal through voxel ${p.peak!.join(',')})` : ''}`,
    );
  }
  return 0;
}
