import { resolve } from 'node:path';
import { writeFileSync } from 'node:fs';
import { evaluateDataset } from '../../eval/evaluate-dataset.js';
import { evaluateVolumeDataset } from '../../eval/evaluate-volumes.js';
import { AlzbenchError } from '../../util/errors.js';
import { formatPredictionsCsv } from '../../run-folder/predictions-csv.js';
import { loadTrainedModel } from '../../models/load-trained.js';
import { invalid } from '../../util/errors.js';
import { AGGREGATE_RULES, type AggregateRule } from '../../eval/subject-aggregate.js';
import { type Command, parseFlags } from '../command.js';
import { describeRule, flagValue, oneOf } from '../../util/schema.js';
import { BOOTSTRAP, SEED } from '../flag-rules.js';

const usage = `usage: alzbench eval <run|checkpoint> --data <dir> [--split all|train|val|test] [--json]

Re-evaluates a saved model (a run folder or id: its best checkpoint; or a .ckpt file) on a data
set with the run's task, preprocessing chain and input size: loss, accuracy, balanced accuracy,
sensitivity, specificity, precision, F1, ROC AUC (per class and macro for more than two classes),
the confusion matrix, and 95 % bootstrap CIs (by subject when the data set has subject IDs).

flags:
  --data DIR            data set folder (required)
  --split S             all slices (default) or the data set's own train/, val/ or test/ folder
  --bootstrap N         bootstrap resamples (default 1000; 0 = none; ${describeRule(BOOTSTRAP)})
  --seed S              bootstrap seed (default 0)
  --aggregate R         subject-level pooling of slice probabilities: mean, median or vote
                        (default the run's setting, else mean)
  --grouping G          none (default: subject IDs of the data set only) or pseudo
                        (reconstruct subjects from the images when the data set has no IDs)
  --predictions FILE    also write per-slice predictions (CSV)

Volume runs (train --input volume): --data is a BIDS folder; one sample per session, prepared
with the run's recorded volume transforms; --split train|val|test picks the run's own split of
that folder (the same people, drawn with the run's split seed); --aggregate and --grouping do
not apply (sessions are pooled per person by mean probability).
  --runs-dir DIR        where run ids are looked up (default runs)
  --json                print one JSON document on stdout`;

/** `alzbench eval`: a saved model's metrics on a data set. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 're-evaluate a saved model on a data set (metrics, confusion matrix, 95 % CIs)',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      'eval',
      argv,
      {
        data: { type: 'string' },
        split: { type: 'string' },
        bootstrap: { type: 'string' },
        seed: { type: 'string' },
        predictions: { type: 'string' },
        aggregate: { type: 'string' },
        grouping: { type: 'string' },
        'runs-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      true,
    );
    if (positionals.length !== 1) throw invalid('one run folder, run id or checkpoint', '<run|checkpoint>', positionals);
    if (!values.data) throw invalid('a data set folder', '--data', values.data);
    const split = flagValue(oneOf(['all', 'train', 'val', 'test'] as const), '--split', values.split, 'all');
    const bootstrap = flagValue(BOOTSTRAP, '--bootstrap', values.bootstrap, 1000);
    const seed = flagValue(SEED, '--seed', values.seed, 0);
    if (values.aggregate !== undefined && !AGGREGATE_RULES.includes(values.aggregate as AggregateRule))
      throw invalid(AGGREGATE_RULES.join(', '), '--aggregate', values.aggregate);
    if (values.grouping !== undefined && !['none', 'pseudo'].includes(values.grouping)) throw invalid('none or pseudo', '--grouping', values.grouping);
    const trained = loadTrainedModel(positionals[0]!, values['runs-dir'] ? { runsDir: values['runs-dir'] } : {});
    try {
      const volume = trained.input === 'volume';
      if (volume && (values.aggregate !== undefined || values.grouping !== undefined)) {
        throw new AlzbenchError(`${values.aggregate !== undefined ? '--aggregate' : '--grouping'} is a slice setting; ${positionals[0]} is a volume run`, {
          exitCode: 2,
          hint: 'volume runs have one sample per session and pool sessions per person by mean probability',
        });
      }
      const unit = volume ? 'session' : 'slice';
      const log = (m: string) => process.stderr.write(`eval: ${m}\n`);
      const result = volume
        ? await evaluateVolumeDataset(trained, resolve(values.data), { split, bootstrap, seed, log })
        : await evaluateDataset(trained, resolve(values.data), {
            split,
            bootstrap,
            seed,
            ...(values.aggregate ? { aggregate: values.aggregate as AggregateRule } : {}),
            ...(values.grouping ? { grouping: values.grouping as 'none' | 'pseudo' } : {}),
            log,
          });
      if (values.predictions) writeFileSync(values.predictions, formatPredictionsCsv(result.predictions, trained.classes));
      const { predictions: _omitted, ...report } = result;
      if (values.json) {
        process.stdout.write(
          `${JSON.stringify({ checkpoint: trained.checkpoint, epoch: trained.epoch, model: trained.config.model, task: trained.config.task, ...report })}\n`,
        );
        return 0;
      }
      const m = result.metrics;
      const ci = result.ci;
      const interval = (x: { low: number; high: number } | undefined) => (x ? ` [${x.low.toFixed(3)}, ${x.high.toFixed(3)}]` : '');
      console.log(
        `model ${trained.config.model} (${trained.checkpoint}, epoch ${trained.epoch}) on ${result.data} (${result.split}, ${result.samples} ${unit}s)`,
      );
      console.log(`  per ${unit}:`);
      console.log(
        `  loss ${m.loss.toFixed(4)}  accuracy ${m.accuracy.toFixed(3)}${interval(ci?.accuracy)}  balanced accuracy ${m.balancedAccuracy.toFixed(3)}${interval(ci?.balancedAccuracy)}`,
      );
      console.log(
        `  sensitivity ${m.sensitivity.toFixed(3)}${interval(ci?.sensitivity)}  specificity ${m.specificity.toFixed(3)}${interval(ci?.specificity)}  precision ${m.precision.toFixed(3)}  F1 ${m.f1.toFixed(3)}  AUC ${m.auc.toFixed(3)}${interval(ci?.auc)}`,
      );
      if (ci) console.log(`  95 % CIs: ${ci.resamples} bootstrap resamples of ${ci.units} ${ci.unit}s`);
      const sl = result.subject;
      if (sl) {
        const sci = sl.ci;
        console.log(
          `  per subject (${sl.subjects} ${sl.reconstructed ? 'pseudo-subjects reconstructed from the images' : 'subjects'}, ${sl.rule} of ${unit} probabilities; 95 % CIs by subject bootstrap):`,
        );
        console.log(
          `  accuracy ${sl.metrics.accuracy.toFixed(3)}${interval(sci?.accuracy)}  balanced accuracy ${sl.metrics.balancedAccuracy.toFixed(3)}${interval(sci?.balancedAccuracy)}  sensitivity ${sl.metrics.sensitivity.toFixed(3)}${interval(sci?.sensitivity)}  specificity ${sl.metrics.specificity.toFixed(3)}${interval(sci?.specificity)}  AUC ${sl.metrics.auc.toFixed(3)}${interval(sci?.auc)}`,
        );
      } else console.log('  per subject: none (the data set has no subject IDs; --grouping pseudo reconstructs them)');
      console.log(`  calibration: ${result.calibration.method} ${result.calibration.ece.toFixed(4)}`);
      const width = Math.max(...trained.classes.map((c) => c.length), 9);
      console.log(`  confusion (rows true, columns predicted):`);
      console.log(`  ${''.padEnd(width)} ${trained.classes.map((c) => c.padStart(width)).join(' ')}`);
      m.confusion.forEach((row, k) => console.log(`  ${trained.classes[k]!.padEnd(width)} ${row.map((v) => String(v).padStart(width)).join(' ')}`));
      if (result.collapsed) console.log(`  COLLAPSED: the model predicts one class for (nearly) every ${unit}`);
      return 0;
    } finally {
      trained.model.dispose();
    }
  },
};
