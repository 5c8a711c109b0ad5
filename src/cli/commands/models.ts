import type { Command } from '../command.js';
import { parseFlags } from '../command.js';
import { countParameters, getModelSpec, listModels } from '../../models/registry.js';
import { flagValue, int, numberOf } from '../../util/schema.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';

const flags = {
  'in-channels': { type: 'string', value: 'C', help: '1 for grayscale MRI (default), 3 for RGB' },
  'num-classes': { type: 'string', value: 'N', help: 'output classes (default 2)' },
  json: { type: 'boolean', default: false, help: 'print one JSON document on stdout' },
} satisfies FlagTable;

const usage = usageText({
  synopsis: 'usage: alzbench models [--in-channels 1|3] [--num-classes N] [--json]',
  about: `Lists the registered models: name, family, parameter count for the chosen input channels and
classes, default input size (height x width; depth x height x width for volume models, which take
whole 3-D scans), the Grad-CAM target layer and the reference whose parameter names the model uses
(torchvision, timm, ClinicaDL or MONAI state dicts load directly).`,
  flags,
});

/** `alzbench models`: the model zoo (nothing is built: counts come from the families' tables). */
export const modelsCommand: Command = {
  name: 'models',
  summary: 'list the registered models with parameter counts and input sizes',
  usage,
  flags,
  async run(argv) {
    const { values } = parseFlags('models', argv, flags);
    const inChannels = flagValue(numberOf([1, 3]), '--in-channels', values['in-channels'], 1);
    const numClasses = flagValue(int({ min: 1, max: 1000 }), '--num-classes', values['num-classes'], 2);

    const rows = listModels().map((name) => {
      const spec = getModelSpec(name);
      return {
        name,
        family: spec.family,
        input: spec.input ?? 'slice',
        parameters: countParameters(name, { inChannels, numClasses }),
        inputSize: [...spec.defaultInputSize],
        minInputSize: spec.minInputSize,
        dropout: spec.defaultDropout,
        gradCamLayer: spec.gradCamLayer,
        reference: spec.reference,
      };
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ inChannels, numClasses, models: rows })}\n`);
      return 0;
    }
    const table = [
      ['name', 'family', 'parameters', 'input', 'min', 'dropout', 'grad-cam layer', 'names from'],
      ...rows.map((r) => [
        r.name,
        r.family,
        r.parameters.toLocaleString('en-US'),
        `${r.inputSize.join('x')}${r.input === 'volume' ? ' (volume)' : ''}`,
        String(r.minInputSize),
        String(r.dropout),
        r.gradCamLayer,
        r.reference,
      ]),
    ];
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    const numeric = new Set([2, 4, 5]);
    const lines = table.map((row) =>
      row
        .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    );
    console.log(`models for ${inChannels}-channel input and ${numClasses} classes:\n`);
    console.log(lines.join('\n'));
    return 0;
  },
};
