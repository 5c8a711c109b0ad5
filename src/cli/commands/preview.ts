import { stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { decodeImage } from '../../data/decode-image.js';
import { applyChainSteps } from '../../preprocess/chain.js';
import { parseChain } from '../../preprocess/chain-spec.js';
import { loadImageOps } from '../../preprocess/load-image-ops.js';
import { renderPreviewGrid } from '../../preprocess/preview-grid.js';
import { invalid } from '../../util/errors.js';
import { type Command, parseFlags } from '../command.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';
import { flagValue, int } from '../../util/schema.js';
import { readInputText } from '../../util/read-input.js';

const flags = {
  pipeline: { type: 'string', value: 'S', help: `the chain (required)` },
  out: { type: 'string', value: 'FILE', help: `PNG to write (required); an existing folder gets <image name>.preview.png` },
  columns: { type: 'string', value: 'N', help: `tiles per row (default: up to 4)` },
  json: { type: 'boolean', default: false, help: `print {"out", "steps": [...]} on stdout` },
} satisfies FlagTable;

const usage = usageText({
  synopsis: `usage: alzbench preview <image> --pipeline <spec|file.yaml> --out grid.png [--columns N] [--json]`,
  about: `Writes a labelled grid of the image after each step of a preprocessing chain, so you can see what
each module does. The spec is the short form, e.g.
  grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert
  resize(256,256)|merge(multiply,smooth=gaussian,k=11)
or a YAML list (inline or in a .yaml/.yml file):
  - grayscale
  - open: {k: 5, shape: rect}
  - clahe: {clip: 2, tile: 7}

Modules: grayscale, invert, open(k,shape=rect|ellipse|cross,iter), clahe(clip,tile),
smooth(average|median|gaussian,k), merge(multiply|overlap,smooth,k,w1,w2,offset=128),
resize(width,height), normalize(min,max).`,
  flags,
});

/** `alzbench preview`: the image after each step of a chain, as a labelled PNG grid. */
export const previewCommand: Command = {
  name: 'preview',
  summary: 'write a labelled grid of an image after each preprocessing step',
  usage,
  flags,
  async run(argv) {
    const { values, positionals } = parseFlags('preview', argv, flags, true);
    if (positionals.length !== 1)
      throw invalid('one image path', '<image>', positionals, 'e.g. alzbench preview slice.jpg --pipeline "grayscale|clahe" --out grid.png');
    if (!values.pipeline) throw invalid('a pipeline spec', '--pipeline', values.pipeline, 'e.g. --pipeline "grayscale|clahe(clip=2,tile=7)"');
    if (!values.out) throw invalid('an output PNG path', '--out', values.out);
    const columns = flagValue(int({ min: 1, max: 64 }), '--columns', values.columns);
    const spec = /\.ya?ml$/i.test(values.pipeline) ? readInputText(values.pipeline, 'pipeline file') : values.pipeline;
    const chain = parseChain(spec);
    const image = await decodeImage(positionals[0]!, { keepColor: true });
    const steps = applyChainSteps(chain, image, await loadImageOps());
    const png = await renderPreviewGrid(steps, columns === undefined ? {} : { columns });
    // A folder given as --out (e.g. a fresh temp folder) gets the grid named after the image.
    const isFolder = await stat(values.out).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const out = isFolder ? join(values.out, `${basename(positionals[0]!, extname(positionals[0]!))}.preview.png`) : values.out;
    try {
      await writeFile(out, png);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw invalid('a PNG path that can be written', '--out', out, `writing it failed with ${code}; check that its folder exists and is writable`);
    }
    if (values.json)
      console.log(JSON.stringify({ out, pipeline: chain.spec, steps: steps.map((s) => ({ label: s.label, width: s.image.width, height: s.image.height })) }));
    else process.stderr.write(`preview: ${steps.length} panels written to ${out}\n`);
    return 0;
  },
};
