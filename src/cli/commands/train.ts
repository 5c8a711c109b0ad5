import { dirname, join } from 'node:path';
import { readRunRecord } from '../../run-folder/run-files.js';
import { readConfigFile, settingsFromFlags, settingsHelp, trainFlagOptions } from '../../train/config.js';
import { resumeRun, train, type TrainResult } from '../../train/trainer.js';
import { stderrReporter } from '../../train/progress.js';
import { expandRuns } from '../../train/expand-runs.js';
import { summarizeGroup } from '../../eval/group-summary.js';
import { AlzbenchError } from '../../util/errors.js';
import { type Command, parseFlags } from '../command.js';
import { flagValue, oneOf } from '../../util/schema.js';
import { openStore } from '../../store/open-store.js';
import { syncRunFolder } from '../../store/sync.js';

const usage = `usage: alzbench train --data <dir> [--task binary|4class] [--model NAME] [settings] [--config run.yaml] [--json]
       alzbench train --resume <run> [--from-scratch] [--runs-dir DIR] [--json]

Trains a model and writes the run folder <runs-dir>/<id>/ (run.json, config.json with every
default, split.json, metrics.jsonl, checkpoints/last.ckpt and best.ckpt after every epoch,
test.json with 95 % bootstrap CIs, predictions.csv, plots/, cam/). Progress goes to stderr: a bar
with images/s and ETA on a terminal, and one summary line per epoch. A NaN/inf loss stops the run
as "diverged"; a model predicting one class for (nearly) all slices is flagged "collapsed".

--input volume trains on whole volumes (one per scan session of a BIDS folder, split by person)
with a volume model (default simple_cnn_3d): see --volume-shape, --volume-augment, --spacing and
README "Whole volumes"; slice settings such as --pipeline are then an error.

Settings come from --config (YAML: the keys below in camelCase or kebab-case) and flags; flags win.

  --config FILE   YAML file of settings
  --resume RUN    continue a killed, failed or interrupted run (folder or id) from its last checkpoint
  --from-scratch  with --resume: restart the run from epoch 1 (when its checkpoint is missing or damaged)
  --progress P    bar, lines or none (default: bar on a terminal, else lines)
  --db REF        also record the finished run in a run store (SQLite file or postgres:// URL)
  --json          print one JSON document with the result on stdout

settings:
${settingsHelp()}`;

/** What --json prints: the result without the per-epoch history (metrics.jsonl has it). */
export function resultJson(result: TrainResult) {
  return {
    id: result.id,
    dir: result.dir,
    status: result.status,
    ...(result.reason ? { reason: result.reason } : {}),
    epochsDone: result.epochsDone,
    bestEpoch: result.bestEpoch,
    test: result.test
      ? {
          samples: result.test.samples,
          best: {
            epoch: result.test.best.epoch,
            ...result.test.best.headline,
            collapsed: result.test.best.collapsed,
            ci: result.test.best.ci,
            subject: result.test.best.subject
              ? {
                  rule: result.test.best.subject.rule,
                  subjects: result.test.best.subject.subjects,
                  reconstructed: result.test.best.subject.reconstructed,
                  ...result.test.best.subject.headline,
                  ci: result.test.best.subject.ci,
                }
              : null,
          },
          calibration: {
            method: result.test.calibration.method,
            ece: result.test.calibration.test.ece,
            ...(result.test.calibration.temperature
              ? { temperature: result.test.calibration.temperature.value, eceAfterTemperature: result.test.calibration.temperature.test.ece }
              : {}),
          },
          last: result.test.last ? { epoch: result.test.last.epoch, ...result.test.last.headline, collapsed: result.test.last.collapsed } : null,
        }
      : null,
  };
}

/** `alzbench train`: the training engine's command. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model; write runs/<id>/ with checkpoints, metrics, test CIs, predictions, Grad-CAM',
  usage,
  async run(argv) {
    const { values } = parseFlags('train', argv, {
      ...trainFlagOptions(),
      config: { type: 'string' },
      resume: { type: 'string' },
      'from-scratch': { type: 'boolean', default: false },
      progress: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
    });
    const { config: configFile, resume, progress, json, db, 'from-scratch': fromScratch, ...rest } = values as Record<string, string | boolean | undefined>;
    if (fromScratch && resume === undefined) throw new AlzbenchError('--from-scratch restarts a run given with --resume <run>', { exitCode: 2 });
    const mode = flagValue(
      oneOf(['bar', 'lines', 'none'] as const, 'bar, lines or none'),
      '--progress',
      progress as string | undefined,
      process.stderr.isTTY ? 'bar' : 'lines',
    );
    const onEvent = mode === 'none' ? undefined : stderrReporter(process.stderr, { bar: mode === 'bar' });
    const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    let result: TrainResult;
    let results: TrainResult[] | null = null;
    if (resume !== undefined) {
      const extra = Object.keys(given).filter((k) => k !== 'runs-dir');
      if (extra.length > 0 || configFile !== undefined) {
        throw new AlzbenchError(
          `--resume continues a run with its own settings; it takes no ${[...extra.map((k) => `--${k}`), ...(configFile ? ['--config'] : [])].join(', ')}`,
          { exitCode: 2 },
        );
      }
      result = await resumeRun(resume as string, {
        ...(onEvent ? { onEvent } : {}),
        ...(given['runs-dir'] ? { runsDir: given['runs-dir'] as string } : {}),
        ...(fromScratch ? { fromScratch: true } : {}),
      });
    } else {
      const fromFile = configFile === undefined ? {} : readConfigFile(configFile as string);
      const fromFlags = settingsFromFlags(rest);
      const runs = expandRuns({ ...fromFile, ...fromFlags });
      results = [];
      for (const [i, run] of runs.entries()) {
        if (runs.length > 1)
          process.stderr.write(
            `== run ${i + 1} of ${runs.length} (${run.settings.runGroup}): ${run.fold === null ? '' : `fold ${run.fold}, `}seed ${run.seed}\n`,
          );
        results.push(await train(run.settings, { ...(onEvent ? { onEvent } : {}), given: { ...(configFile ? { config: configFile } : {}), ...given } }));
      }
      result = results[0]!;
    }
    const all = results ?? [result];
    if (db !== undefined) {
      // Index the finished run(s) in the store now (store commands would also pick them up later).
      const store = await openStore(db as string);
      try {
        for (const r of all) await syncRunFolder(store, r.dir, { force: true });
      } finally {
        await store.close();
      }
    }
    if (all.length > 1) {
      const summary = summarizeGroup(all.map((r) => r.test));
      if (json) process.stdout.write(`${JSON.stringify({ runs: all.map(resultJson), summary })}\n`);
      else {
        for (const r of all) console.log(`run ${r.id}: ${r.status}${r.reason ? ` (${r.reason})` : ''}`);
        for (const line of summary.lines) console.log(`  ${line}`);
      }
      return all.some((r) => r.status === 'diverged') ? 1 : 0;
    }
    if (json) process.stdout.write(`${JSON.stringify(resultJson(result))}\n`);
    else {
      const test = result.test?.best;
      const unit = readRunRecord(join(result.dir, 'run.json')).input === 'volume' ? 'session' : 'slice';
      console.log(`run ${result.id}: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
      if (test)
        console.log(
          `  test per ${unit}, best epoch ${test.epoch}: accuracy ${test.metrics.accuracy.toFixed(3)}, balanced accuracy ${test.metrics.balancedAccuracy.toFixed(3)}, sensitivity ${test.metrics.sensitivity.toFixed(3)}, specificity ${test.metrics.specificity.toFixed(3)}, AUC ${test.metrics.auc.toFixed(3)}`,
        );
      const subject = test?.subject;
      if (subject)
        console.log(
          `  test per subject (${subject.subjects}${subject.reconstructed ? ' pseudo-subjects' : ''}, ${subject.rule}): accuracy ${subject.metrics.accuracy.toFixed(3)}, balanced accuracy ${subject.metrics.balancedAccuracy.toFixed(3)}, sensitivity ${subject.metrics.sensitivity.toFixed(3)}, specificity ${subject.metrics.specificity.toFixed(3)}, AUC ${subject.metrics.auc.toFixed(3)}`,
        );
      if (result.test)
        console.log(
          `  calibration: ECE ${result.test.calibration.test.ece.toFixed(4)} (15 equal-width bins)${result.test.calibration.temperature ? `, ${result.test.calibration.temperature.test.ece.toFixed(4)} after temperature scaling (T=${result.test.calibration.temperature.value.toFixed(3)})` : ''}`,
        );
      console.log(`  folder ${result.dir}`);
    }
    if (result.status === 'interrupted') {
      process.stderr.write(`resume with: alzbench train --resume ${result.id} --runs-dir ${dirname(result.dir)}\n`);
      return 130;
    }
    return result.status === 'diverged' ? 1 : 0;
  },
};
