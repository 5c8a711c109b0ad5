import { writeFileSync } from 'node:fs';
import { compareRuns } from '../../report/compare.js';
import { formatComparison, FORMATS, type Format } from '../../report/format.js';
import { invalid } from '../../util/errors.js';
import { type Command, parseFlags } from '../command.js';
import { openSyncedStore, STORE_FLAGS } from './store-options.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';

const flags = {
  baseline: { type: 'string', value: 'RUN', help: 'the run the others are tested against (default: best balanced accuracy)' },
  format: { type: 'string', value: 'F', help: 'md (default), csv, html or json (one JSON document)' },
  out: { type: 'string', value: 'FILE', help: 'write to a file instead of stdout' },
  ...STORE_FLAGS,
} satisfies FlagTable;

const usage = usageText({
  synopsis: 'usage: alzbench compare <sweep | run...> [--baseline RUN] [--format md|csv|html|json] [--out FILE]',
  about: `Compares runs in the study's table shape: the settings that differ between them, status flags
(collapsed, diverged, failed, leak), sensitivity, specificity, accuracy, balanced accuracy and AUC
of the best epoch with 95 % CIs, loss, seconds per epoch, best vs last epoch, and McNemar's test
against a baseline (Holm-adjusted), with notes saying which differences are within noise. The
html format is a self-contained report with learning curves, ROC curves and confusion matrices.`,
  flags,
});

/** `alzbench compare`: the comparison table or report. */
export const compareCommand: Command = {
  name: 'compare',
  summary: 'compare runs or a sweep: table with CIs, McNemar vs baseline, HTML report with plots',
  usage,
  flags,
  async run(argv) {
    const { values, positionals } = parseFlags('compare', argv, flags, true);
    const format = (values.format ?? 'md') as Format;
    if (!FORMATS.includes(format)) throw invalid(FORMATS.join(', '), '--format', values.format);
    const store = await openSyncedStore(values);
    try {
      const comparison = await compareRuns(store, positionals, values.baseline ? { baseline: values.baseline } : {});
      const text = formatComparison(comparison, format);
      if (values.out) {
        writeFileSync(values.out, text);
        process.stderr.write(`wrote ${values.out} (${comparison.rows.length} runs)\n`);
      } else process.stdout.write(text);
    } finally {
      await store.close();
    }
  },
};
